#pragma once
// Report sections of the LFP step: the paper's Table 1 summary (NMC and LFP bulk mean, RSD, slope,
// with truth and composition where known), the LFP route or why it was skipped, composition against
// measurement (Tables 1 and 4), warnings, whether the bright class was checked as NMC or assumed.
#include "emorph/report/html_report.hpp"
#include "emorph/result.hpp"

namespace emorph {

void lfp_report_sections(HtmlReport& report, const Json& results);

}  // namespace emorph
