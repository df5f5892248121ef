# What the CMakeLists.txt of the test tools (tests/fakedns, tests/fakesmtp,
# tests/integration) share; each include()s this file. Expects the top-level
# pkg_check_modules(CMOCKA REQUIRED cmocka) before it.
include_guard(GLOBAL)

# rdc_tool_target(TARGET [WARNINGS flag...]): C11 without extensions and, with
# GCC or Clang, the given warnings, else the top level's RDC_WARNINGS (with
# -Werror if asked), else a default set.
function(rdc_tool_target target)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "WARNINGS")
    set_target_properties(${target} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON
                                               C_EXTENSIONS OFF)
    if(ARG_WARNINGS)
        set(warnings ${ARG_WARNINGS})
    elseif(DEFINED RDC_WARNINGS)
        set(warnings ${RDC_WARNINGS})
    else()
        set(warnings -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wformat=2
                     -Wstrict-prototypes)
    endif()
    if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE ${warnings})
    endif()
endfunction()

# rdc_link_cmocka(TARGET): compile and link TARGET against cmocka.
function(rdc_link_cmocka target)
    target_include_directories(${target} PRIVATE ${CMOCKA_INCLUDE_DIRS})
    if(CMOCKA_LIBRARY_DIRS)
        target_link_directories(${target} PRIVATE ${CMOCKA_LIBRARY_DIRS})
    endif()
    target_link_libraries(${target} PRIVATE ${CMOCKA_LIBRARIES})
endfunction()

# The command line shared by the scripted servers fakedns and fakesmtp.
add_library(rdc_servemain STATIC ${CMAKE_CURRENT_LIST_DIR}/servemain.c
                                 ${CMAKE_CURRENT_LIST_DIR}/servemain.h)
target_include_directories(rdc_servemain PUBLIC ${CMAKE_CURRENT_LIST_DIR})
rdc_tool_target(rdc_servemain)
