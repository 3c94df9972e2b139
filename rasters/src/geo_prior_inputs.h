// SPDX-License-Identifier: MIT
// Private: the Geo Prior protocol's input files (NumPy arrays or CSV tables) read into plain
// buffers, with errors that name the file, the row and what was expected.
#pragma once

#include <geoinr/rasters/npy_file.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace geoinr::rasters::detail
{

/** True when `path` names a NumPy array: *.npy, "file.npz:member" or a /vsizip/ .npy member. */
bool isNpyPath(const std::string& path);

/**
 * A numeric table read by row blocks: a .npy array (1-D = one column, 2-D = rows x columns; read
 * on demand) or a CSV file (held in memory; a first row that is not all numbers is a header).
 * `option` (e.g. "--probs") prefixes messages.
 */
class NumericRows
{
  public:
    NumericRows(const std::string& path, const std::string& option);
    ~NumericRows();

    std::int64_t rows() const { return m_rows; }
    std::int64_t cols() const { return m_cols; }
    const std::string& path() const { return m_path; }

    void read(std::int64_t first, std::int64_t count, double* out);
    /** Values must be integers (IoError naming the row otherwise). */
    void read(std::int64_t first, std::int64_t count, std::int64_t* out);
    /** All rows as int64. */
    std::vector<std::int64_t> readAllInt64();

  private:
    std::string m_path, m_option;
    std::unique_ptr<NpyFile> m_npy;
    std::vector<double> m_csv;           ///< [rows x cols] when read from CSV
    std::vector<std::size_t> m_csvLines; ///< 1-based line of each CSV row
    std::int64_t m_rows = 0, m_cols = 0;
};

/** Observation locations, lon/lat degrees per row (interleaved [N x 2]). */
std::vector<float> readLocations(const std::string& path);

/**
 * The model species of each classifier class (index into speciesNames, -1 = none) from a
 * --class-names file (see GeoPriorOptions::classNames). `numClasses` is the classifier's class
 * count, or 0 when unknown (top-k input): the result then has as many entries as the file
 * defines, and the caller may extend it with -1. Unmatched names are counted in `unmatched` and
 * the first few listed in `unmatchedExamples`.
 */
struct ClassMapping
{
    std::vector<std::int64_t> speciesOfClass;
    std::string format; ///< "csv", "npy taxon ids", "lines" or "checkpoint order"
    std::int64_t unmatched = 0;
    std::vector<std::string> unmatchedExamples;
};
ClassMapping readClassMapping(const std::string& path, const std::vector<std::string>& speciesNames,
                              std::int64_t numClasses);

} // namespace geoinr::rasters::detail
