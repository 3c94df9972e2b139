// SPDX-License-Identifier: MIT
// Private: collects occurrence rows from any reader, reprojects them to WGS84, checks ranges and
// applies the skip-or-throw rule for bad rows. Also column lookup and number parsing shared by
// the CSV and OGR readers.
#pragma once

#include "gdal_util.h"

#include <geoinr/rasters/occurrences.h>

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace geoinr::rasters::detail
{

/** Default candidates (case-insensitive) for the species, lon and lat columns. */
std::vector<std::string> speciesColumnCandidates();
std::vector<std::string> lonColumnCandidates(bool projected);
std::vector<std::string> latColumnCandidates(bool projected);

/** Index of the first of `candidates` found in `names` (case-insensitive, in candidate order). */
std::optional<std::size_t> findColumn(const std::vector<std::string>& names,
                                      const std::vector<std::string>& candidates);

/** "a, b, c" */
std::string joinNames(const std::vector<std::string>& names);

/** Outcome of parsing a number: the value, or nothing for an empty/NA field, or an error. */
struct ParsedNumber
{
    bool missing = false; ///< empty, NA, NaN, null
    bool valid = false;   ///< parsed to a finite number
    double value = 0.0;
};

/** Locale-independent parse (std::from_chars); `decimalComma` accepts "12,5". */
ParsedNumber parseNumber(const std::string& text, bool decimalComma = false);

/** Trims ASCII whitespace at both ends. */
std::string trim(const std::string& s);

/** Builds an OccurrenceTable row by row; see readOccurrencesCsv/readOccurrencesOgr. */
class OccurrenceBuilder
{
  public:
    /**
     * `sourceCrs` null = coordinates are already WGS84 lon/lat. `lonLabel`/`latLabel` name the
     * coordinate source in messages ("column 'lon'", "geometry x"), `speciesLabel` the species
     * source ("column 'spid'").
     */
    OccurrenceBuilder(std::string path, bool skipInvalid, std::vector<std::string> covariateNames,
                      const OGRSpatialReference* sourceCrs, std::string lonLabel,
                      std::string latLabel, std::string speciesLabel);

    /** Adds a row whose fields parsed; reprojects and range-checks it (or rejects it). */
    void addRow(const std::string& where, const std::string& species, double x, double y,
                const std::vector<double>& covariates);

    /** A bad row: throws IoError("<where>: <why>") or, with skipInvalid, counts it. */
    void reject(const std::string& where, const std::string& why);

    /** The table with species sorted; throws IoError when no row was valid. */
    OccurrenceTable finish();

  private:
    bool toWgs84(double& x, double& y) const;
    void appendRow(const std::string& species, double lon, double lat,
                   const std::vector<double>& covariates);

    std::string m_path;
    bool m_skipInvalid = false;
    std::string m_lonLabel;
    std::string m_latLabel;
    std::string m_speciesLabel;
    std::string m_crsLabel;
    TransformPtr m_transform;
    OccurrenceTable m_table;
    std::vector<std::string> m_namesByFirstUse;
    std::unordered_map<std::string, std::int32_t> m_ids;
};

} // namespace geoinr::rasters::detail
