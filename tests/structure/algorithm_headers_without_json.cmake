# Checks the results layer's boundary (docs/STYLE.md "Algorithms return plain structs; one results layer
# turns them into JSON"): no header under include/emorph/{measure,segment,transport,filter,synth,stream}
# reaches JSON, directly or through the headers it includes (nlohmann/json, emorph/result.hpp,
# emorph/fields.hpp, emorph/param_table.hpp, or any results header under include/emorph/results/), except
# the allow-listed headers below. Run: cmake -DINCLUDE_DIR=<repo>/include -P <this file>.
cmake_minimum_required(VERSION 3.20)
if(NOT INCLUDE_DIR)
  message(FATAL_ERROR "give -DINCLUDE_DIR=<repo>/include")
endif()

# Headers that may reach JSON, each with its reason.
set(allowed
  # Parameter tables: one table per params struct drives the CLI options, the Python keywords, the docs and
  # the JSON echo of `parameters` (issue #17, "Declare each command's parameters once"); param_table.hpp
  # builds that echo, so a table header reaches JSON. They describe parameters, not results, and no
  # algorithm header includes them (checked below like any other header).
  emorph/measure/composition_options.hpp
  emorph/measure/descriptor_param_tables.hpp
  emorph/measure/report_param_tables.hpp
  emorph/segment/histogram_options.hpp
  emorph/segment/particle_options.hpp
  emorph/segment/segment_options.hpp
  emorph/transport/connectivity_options.hpp
  emorph/transport/tortuosity_options.hpp
  emorph/filter/fibsem_prep_options.hpp
  emorph/filter/rescale_options.hpp
  emorph/synth/imaging_params.hpp
  # The synthetic generators' ground truth (truth.json of `emorph synth`, the simulators' grey levels and
  # drift): a document the generators write as they build the volume, read back by the tests, the benches
  # and the demo; it is input data for the measurements, not a measurement's results object.
  emorph/synth/electrode.hpp
  emorph/synth/fibsem.hpp
  emorph/synth/xct.hpp)

file(GLOB_RECURSE all_headers RELATIVE ${INCLUDE_DIR} ${INCLUDE_DIR}/emorph/*.hpp)

# A header reaches JSON when it includes a JSON header, or a header that reaches JSON (to a fixed point).
set(json_reaching emorph/result.hpp emorph/fields.hpp emorph/param_table.hpp)
foreach(header IN LISTS all_headers)
  if(header MATCHES "^emorph/results/")
    list(APPEND json_reaching ${header})
  endif()
endforeach()
foreach(header IN LISTS all_headers)
  file(STRINGS ${INCLUDE_DIR}/${header} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  set(includes_${header} "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*$" "\\1" included "${line}")
    list(APPEND includes_${header} ${included})
    if(included MATCHES "^nlohmann/")
      list(APPEND json_reaching ${header})
    endif()
  endforeach()
endforeach()
set(changed TRUE)
while(changed)
  set(changed FALSE)
  foreach(header IN LISTS all_headers)
    if(header IN_LIST json_reaching)
      continue()
    endif()
    foreach(included IN LISTS includes_${header})
      if(included IN_LIST json_reaching)
        list(APPEND json_reaching ${header})
        set(via_${header} ${included})
        set(changed TRUE)
        break()
      endif()
    endforeach()
  endforeach()
endwhile()

set(failures "")
set(checked 0)
foreach(area measure segment transport filter synth stream)
  file(GLOB area_headers RELATIVE ${INCLUDE_DIR} ${INCLUDE_DIR}/emorph/${area}/*.hpp)
  foreach(header IN LISTS area_headers)
    math(EXPR checked "${checked} + 1")
    if(header IN_LIST allowed)
      continue()
    endif()
    foreach(included IN LISTS includes_${header})
      if(included MATCHES "^nlohmann/" OR included IN_LIST json_reaching)
        list(APPEND failures "${header} includes ${included}, which reaches JSON")
        break()
      endif()
    endforeach()
  endforeach()
endforeach()
if(checked LESS 80)
  message(FATAL_ERROR "only ${checked} algorithm headers found under ${INCLUDE_DIR}/emorph: wrong INCLUDE_DIR?")
endif()
if(failures)
  list(JOIN failures "\n  " text)
  message(FATAL_ERROR "algorithm headers that reach JSON (move their JSON builders to include/emorph/results/):\n  ${text}")
endif()
foreach(header IN LISTS allowed)
  if(NOT EXISTS ${INCLUDE_DIR}/${header})
    message(FATAL_ERROR "allow-listed header ${header} no longer exists: remove it from the list")
  endif()
endforeach()
message(STATUS "${checked} algorithm headers checked: none reaches JSON outside the allow-list")
