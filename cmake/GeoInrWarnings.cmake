# geoinr_warnings(<target>): the warning flags every GeoINR target compiles with.
function(geoinr_warnings target)
    # Aggregate specs (ParamSpec) are brace-initialised with trailing members left at their
    # default member initialisers on purpose.
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
    if(GEOINR_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
