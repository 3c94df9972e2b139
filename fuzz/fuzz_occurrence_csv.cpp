// SPDX-License-Identifier: MIT
// Occurrence CSV/TSV reader: any bytes give records or a geoinr::Error, never a crash.
#include "fuzz_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/occurrences.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto path = geoinr::fuzz::writeInput(data, size, "occurrences.csv");
    geoinr::rasters::OccurrenceOptions strict;
    geoinr::rasters::OccurrenceOptions lenient;
    lenient.skipInvalid = true;
    lenient.singleSpecies = "sp";
    lenient.speciesColumn = "";
    lenient.covariateColumns = {"bio1"};
    for (const auto* options : {&strict, &lenient})
    {
        try
        {
            const auto table = geoinr::rasters::readOccurrencesCsv(path, *options);
            if (table.size() != table.lat.size() || table.speciesIndex.size() != table.size())
            {
                __builtin_trap(); // inconsistent table
            }
        }
        catch (const geoinr::Error&)
        {
        }
    }
    return 0;
}
