// SPDX-License-Identifier: MIT
// Presence-only occurrence records (species, lon/lat, table covariates) read from CSV/TSV files
// and OGR point layers, with bad-row reporting, thinning and one-hot helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::rasters
{

/**
 * Occurrence records in WGS84 lon/lat degrees (traditional GIS order), one row per record.
 * Class ids are positions in `speciesNames` (sorted unique names, byte order).
 */
struct OccurrenceTable
{
    std::string source;                       ///< file path it came from
    std::vector<std::string> speciesNames;    ///< sorted unique names; class id = index here
    std::vector<std::int32_t> speciesIndex;   ///< per record, index into speciesNames
    std::vector<double> lon;                  ///< per record, degrees in [-180, 180]
    std::vector<double> lat;                  ///< per record, degrees in [-90, 90]
    std::vector<std::string> covariateNames;  ///< table covariate columns, in the order requested
    std::vector<double> covariates;           ///< [size() x covariateNames.size()], NaN = missing
    std::size_t skippedRows = 0;              ///< rows dropped by OccurrenceOptions::skipInvalid
    std::vector<std::string> skippedExamples; ///< first <= 10 reasons, "file:line: why"

    /** Number of records. */
    std::size_t size() const { return lon.size(); }
};

/** How to read an occurrence file. Every field has a usable default. */
struct OccurrenceOptions
{
    /** "" = auto (case-insensitive): species, scientificName, spid, taxon. */
    std::string speciesColumn;
    /** "" = auto: lon, longitude, decimalLongitude, decimal_longitude, x_wgs84, long, lng
     *  (and x, easting when sourceCrs is projected). CSV, and OGR layers without geometry. */
    std::string lonColumn;
    /** "" = auto: lat, latitude, decimalLatitude, decimal_latitude, y_wgs84
     *  (and y, northing when sourceCrs is projected). */
    std::string latColumn;
    /** Species name for every row when the file has no species column (and none is named). */
    std::string singleSpecies;
    /** CRS of the coordinates (EPSG:xxxx, WKT, PROJ string). "" = EPSG:4326 for CSV, the layer's
     *  CRS for OGR; when set it overrides the layer's CRS. */
    std::string sourceCrs;
    /** 0 = auto: tab if the header has a tab, else ';' if it has ';' and no ',', else ','. */
    char delimiter = 0;
    /** Count and skip bad rows instead of throwing on the first one. */
    bool skipInvalid = false;
    /** Numeric table covariates to read, in this order ("", "NA", "NaN" = missing = NaN). */
    std::vector<std::string> covariateColumns;
    /** OGR layer name ("" = first layer). */
    std::string layer;
    /** More records than this is an error (before memory runs out on a runaway file). */
    std::size_t maxRecords = std::size_t{1} << 28;
};

/**
 * Reads occurrences from `path`: .csv, .tsv and .txt go to readOccurrencesCsv, anything else to
 * readOccurrencesOgr. Throws geoinr::IoError (file, line/feature, column and what was expected) or
 * geoinr::InvalidArgument (bad options).
 */
OccurrenceTable readOccurrences(const std::string& path, const OccurrenceOptions& options = {});

/**
 * Delimited text (RFC 4180 quoting for ',' and ';'; tab-separated files are split per line, as
 * GBIF "simple" downloads need). Line numbers in messages are 1-based with the header as line 1.
 */
OccurrenceTable readOccurrencesCsv(const std::string& path, const OccurrenceOptions& options = {});

/**
 * A point layer of any OGR vector format (GeoPackage, Shapefile, GeoJSON, ...), reprojected to
 * WGS84. Non-point geometries are an error naming the layer and feature id; a layer without a
 * CRS is an error unless options.sourceCrs is set.
 */
OccurrenceTable readOccurrencesOgr(const std::string& path, const OccurrenceOptions& options = {});

/**
 * Keeps the first record per (species, cell) of a lon/lat grid with `cellSizeDeg` cells aligned
 * at (-180, -90); lon = 180 falls in the cell of lon = -180. Returns the number removed.
 * Throws geoinr::InvalidArgument unless cellSizeDeg is finite and > 0.
 */
std::size_t thinPerCell(OccurrenceTable& table, double cellSizeDeg);

/**
 * Keeps the rows where keep[i] is true (records and covariate rows); species names and class ids
 * stay as they are. Returns the number removed. Throws InvalidArgument on a size mismatch.
 */
std::size_t filterRows(OccurrenceTable& table, const std::vector<bool>& keep);

/** Sorted distinct non-NaN values of a covariate column (e.g. the levels of a categorical). */
std::vector<double> distinctValues(const OccurrenceTable& table, const std::string& column);

/**
 * Replaces covariate `column` by one 0/1 column per level, named "column=level" (e.g.
 * "vegsys=3"), in place of the original column. NaN stays NaN in every new column; a value that
 * is no level gives all zeros. Throws InvalidArgument when the column does not exist or
 * `levels` is empty.
 */
void oneHotCovariate(OccurrenceTable& table, const std::string& column,
                     const std::vector<double>& levels);

/** The name of a categorical level: integers without decimals ("3"), others shortest ("0.5"). */
std::string levelName(double level);

} // namespace geoinr::rasters
