// The FIB/SEM route (Etiemble et al. 2017, section 2.3: alignment, curtaining and shading correction,
// then segmentation of pores, CB+PVdF, LFP and NMC) as one chain of the library's steps.
#include "emorph/segment/fibsem_route.hpp"

#include "emorph/error.hpp"

namespace emorph {

Json FibsemRouteResult::to_json() const {
  Json j = segmentation.to_json(false);
  Json prep = Json::object();
  for (const char* key : {"steps", "crop", "drift_max_px", "alignment", "align_skipped", "destripe"})
    if (prep_record.contains(key)) prep[key] = prep_record[key];
  if (prep_record.contains("intensity")) {
    const Json& in = prep_record["intensity"];
    prep["intensity"] = {{"method", in["method"]}};
    if (in.contains("reference_levels")) prep["intensity"]["reference_levels"] = in["reference_levels"];
  }
  if (prep_record.contains("shading")) prep["shading"] = {{"order", prep_record["shading"]["order"]}};
  if (prep_record.contains("drift_px")) prep["drift_px"] = prep_record["drift_px"];
  j["preparation"] = prep;
  return j;
}

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
  r.prep_record = std::move(prepared.record);
  r.segmentation = segment(AnyVolume(prepared.stack.clone()), params.segment, table);
  r.prepared = std::move(prepared.stack);
  return r;
}

}  // namespace emorph
