// The FIB/SEM route (Etiemble et al. 2017, section 2.3: alignment, curtaining and shading correction,
// then segmentation of pores, CB+PVdF, LFP and NMC) as one chain of the library's steps.
#include "emorph/segment/fibsem_route.hpp"

#include "emorph/error.hpp"

namespace emorph {

FibsemRouteResult fibsem_route(const AnyVolume& raw, const FibsemRouteParams& params, const PhaseTable& table) {
  require(params.segment.method == "fibsem", "fibsem route: the segmentation method must be fibsem");
  const Volume<float> input = raw.visit([](const auto& v) {
    Volume<float> f(v.shape(), v.spacing(), v.thickness_axis());
    const auto* src = v.data();
    for (int64_t i = 0; i < v.size(); ++i) f.data()[i] = static_cast<float>(src[i]);
    return f;
  });
  FibsemRouteResult r;
  FibsemPrepResult prepared = fibsem_prepare(input.view(), params.prep);
  r.segmentation = segment(AnyVolume(prepared.stack.clone()), params.segment, table);
  r.prepared = std::move(prepared.stack);
  r.preparation = std::move(prepared);
  return r;
}

}  // namespace emorph
