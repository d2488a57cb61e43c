#pragma once
// The voxel types of DType as one list, for explicit template instantiations over every dtype:
// a .cpp defines X(T) as one instantiation and writes EMORPH_FOR_EACH_DTYPE(X) once.
#include <cstdint>

#define EMORPH_FOR_EACH_DTYPE(X) X(uint8_t) X(int8_t) X(uint16_t) X(int16_t) X(uint32_t) X(int32_t) X(float)
