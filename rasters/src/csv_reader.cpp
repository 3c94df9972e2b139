// SPDX-License-Identifier: MIT
// Occurrences from delimited text: column detection, per-row parsing and validation.
#include "csv_parser.h"
#include "gdal_util.h"
#include "occurrence_builder.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/occurrences.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>

namespace geoinr::rasters
{
namespace
{

struct CsvColumns
{
    std::optional<std::size_t> species;
    std::size_t lon = 0;
    std::size_t lat = 0;
    std::vector<std::size_t> covariates;
};

std::size_t requireColumn(const std::vector<std::string>& header, const std::string& where,
                          const std::string& given, const std::string& option,
                          const std::vector<std::string>& candidates, const std::string& role)
{
    if (!given.empty())
    {
        const auto found = detail::findColumn(header, {given});
        if (!found)
        {
            throw IoError(where + ": column '" + given + "' (" + option +
                          ") not found; columns are: " + detail::joinNames(header));
        }
        return *found;
    }
    const auto autoFound = detail::findColumn(header, candidates);
    if (!autoFound)
    {
        throw IoError(where + ": no " + role + " column (looked for " +
                      detail::joinNames(candidates) + "; set " + option +
                      "); columns are: " + detail::joinNames(header));
    }
    return *autoFound;
}

/** `where` is "file:line" of the header (line 1 unless blank lines precede it). */
CsvColumns resolveColumns(const std::vector<std::string>& header, const std::string& where,
                          const OccurrenceOptions& options, bool projected)
{
    CsvColumns c;
    c.lon = requireColumn(header, where, options.lonColumn, "lonColumn",
                          detail::lonColumnCandidates(projected), "longitude");
    c.lat = requireColumn(header, where, options.latColumn, "latColumn",
                          detail::latColumnCandidates(projected), "latitude");
    if (!options.speciesColumn.empty())
    {
        c.species =
            requireColumn(header, where, options.speciesColumn, "speciesColumn", {}, "species");
    }
    else
    {
        c.species = detail::findColumn(header, detail::speciesColumnCandidates());
        if (!c.species && options.singleSpecies.empty())
        {
            throw IoError(where + ": no species column (looked for " +
                          detail::joinNames(detail::speciesColumnCandidates()) +
                          "; set speciesColumn, or singleSpecies for a one-species file); "
                          "columns are: " +
                          detail::joinNames(header));
        }
    }
    for (const auto& name : options.covariateColumns)
    {
        c.covariates.push_back(
            requireColumn(header, where, name, "covariateColumns", {}, "covariate"));
    }
    return c;
}

struct RowParser
{
    const std::vector<std::string>& header;
    const CsvColumns& columns;
    const std::string& singleSpecies;
    bool decimalComma = false;

    std::string columnLabel(std::size_t index) const
    {
        return "column '" + detail::trim(header[index]) + "'";
    }

    /** Returns "" when the row parsed, else why not. */
    std::string parse(const std::vector<std::string>& fields, std::string& species, double& x,
                      double& y, std::vector<double>& covariates) const
    {
        if (fields.size() != header.size())
        {
            return "has " + std::to_string(fields.size()) + " fields, the header has " +
                   std::to_string(header.size());
        }
        species = columns.species ? detail::trim(fields[*columns.species]) : singleSpecies;
        std::string why = coordinate(fields, columns.lon, x);
        if (why.empty())
        {
            why = coordinate(fields, columns.lat, y);
        }
        covariates.resize(columns.covariates.size());
        for (std::size_t k = 0; k < columns.covariates.size() && why.empty(); ++k)
        {
            const std::size_t col = columns.covariates[k];
            const auto v = detail::parseNumber(fields[col], decimalComma);
            if (!v.missing && !v.valid)
            {
                why = columnLabel(col) + " value '" + fields[col] + "' is not a number";
            }
            covariates[k] = v.valid ? v.value : std::numeric_limits<double>::quiet_NaN();
        }
        return why;
    }

    std::string coordinate(const std::vector<std::string>& fields, std::size_t col,
                           double& out) const
    {
        const auto v = detail::parseNumber(fields[col], decimalComma);
        if (v.valid)
        {
            out = v.value;
            return {};
        }
        if (detail::trim(fields[col]).empty())
        {
            return columnLabel(col) + " is empty";
        }
        return columnLabel(col) + " value '" + fields[col] + "' is not a number";
    }
};

} // namespace

OccurrenceTable readOccurrencesCsv(const std::string& path, const OccurrenceOptions& options)
{
    std::optional<OGRSpatialReference> crs;
    if (!options.sourceCrs.empty())
    {
        ensureGdalRegistered();
        crs = detail::parseCrs(options.sourceCrs, "sourceCrs");
    }
    const bool projected = crs && !crs->IsGeographic();

    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw IoError("cannot open occurrence file '" + path + "': " + std::strerror(errno));
    }
    detail::DelimitedReader reader(in, path, options.delimiter);
    std::vector<std::string> header;
    if (!reader.next(header))
    {
        throw IoError(path + ": the file is empty (expected a header line)");
    }
    for (auto& name : header)
    {
        name = detail::trim(name);
    }
    const CsvColumns columns =
        resolveColumns(header, path + ":" + std::to_string(reader.line()), options, projected);

    const std::string speciesLabel =
        columns.species ? "column '" + header[*columns.species] + "'" : "singleSpecies";
    detail::OccurrenceBuilder builder(path, options.skipInvalid, options.covariateColumns,
                                      crs ? &*crs : nullptr, "column '" + header[columns.lon] + "'",
                                      "column '" + header[columns.lat] + "'", speciesLabel);
    const RowParser parser{header, columns, options.singleSpecies, reader.delimiter() == ';'};

    std::vector<std::string> fields;
    std::string species;
    std::vector<double> covariates;
    std::size_t records = 0;
    while (reader.next(fields))
    {
        if (++records > options.maxRecords)
        {
            throw IoError(path + ":" + std::to_string(reader.line()) + ": more than " +
                          std::to_string(options.maxRecords) +
                          " records (OccurrenceOptions::maxRecords)");
        }
        const std::string where = path + ":" + std::to_string(reader.line());
        double x = 0.0;
        double y = 0.0;
        const std::string why = parser.parse(fields, species, x, y, covariates);
        if (!why.empty())
        {
            builder.reject(where, why);
            continue;
        }
        builder.addRow(where, species, x, y, covariates);
    }
    return builder.finish();
}

} // namespace geoinr::rasters
