// analyze on a raw FIB/SEM stack: the FIB/SEM route of Etiemble et al. 2017 (section 2.3) and its
// Table 2, in one step so that analyze.cpp only hooks it in.
#include "emorph/report/fibsem_analysis.hpp"

#include "emorph/error.hpp"
#include "emorph/results/multiscale_table.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/segment/fibsem_route.hpp"

namespace emorph {

FibsemAnalysis analyse_fibsem_stack(AnyVolume& grey, Volume<uint8_t>& labels, const std::vector<std::string>& classes,
                                    int axis, const PhaseTable& table) {
  require(axis == 0, "[segment] method fibsem: the milling (depth) axis of a FIB/SEM stack is axis 0, got " +
                         std::to_string(axis));
  FibsemRouteParams params;
  // analyze's default classes are the XCT ones (matrix, NMC): a FIB/SEM stack resolves the matrix.
  const bool xct_default = classes == std::vector<std::string>{"matrix", "NMC"};
  for (const auto& name : xct_default ? std::vector<std::string>{} : classes) params.segment.classes += (params.segment.classes.empty() ? "" : ",") + name;
  FibsemRouteResult route = fibsem_route(grey, params, table);
  FibsemAnalysis a;
  a.segmentation = fibsem_route_json(route);
  labels = std::move(route.segmentation.labels);
  grey = AnyVolume(std::move(route.prepared));
  a.multiscale = multiscale_table_json(labels.view(), axis, table);
  return a;
}

}  // namespace emorph
