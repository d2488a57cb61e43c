#pragma once
// Isosurface mesh of one phase for viewing (ParaView): marching tetrahedra on the voxel-centre lattice
// at level 1/2, written as binary PLY (shared vertices) or STL (triangle soup), chosen by extension.
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct MeshExportParams {
  uint8_t label = 1;
  bool closed = true;  // the outside of the volume is background, so the mesh closes at the border
};

struct TriangleMesh {
  std::vector<float> vertices;     // x, y, z in um (origin at the centre of voxel 0)
  std::vector<uint32_t> triangles;  // three vertex indices each, counter-clockwise seen from outside
  double area_um2 = 0;
};

struct MeshStats {
  int64_t vertices = 0, triangles = 0;
  double area_um2 = 0;
};

// The mesh in memory (spacing from the view).
TriangleMesh isosurface_mesh(VolumeView<const uint8_t> labels, const MeshExportParams& params);

// Builds the mesh and writes it atomically to path (.ply or .stl; anything else is an InputError).
MeshStats export_isosurface_mesh(VolumeView<const uint8_t> labels, const std::string& path, const MeshExportParams& params);

}  // namespace emorph
