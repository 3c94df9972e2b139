// SPDX-License-Identifier: MIT
// A reader of NumPy .npy arrays (format versions 1.0, 2.0 and 3.0) through GDAL's VSI file API, so
// that members of .npz archives are read in place: "/vsizip/preds.npz/probs.npy" (or
// /vsizip/{preds.npz}/...), or the short form "preds.npz:probs". Format:
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace geoinr::rasters
{

/**
 * Maps the convenience form "file.npz:member" to "/vsizip/{file.npz}/member.npy" (".npy" added
 * when missing) and "/vsizip/file.npz/member.npy" to the same braced form (GDAL recognises zip
 * archives by extension, and .npz is not one of them); every other path is returned unchanged.
 * A bare "file.npz" is an InvalidArgument asking for a member.
 */
std::string npyVsiPath(const std::string& path);

/**
 * An open .npy array: header parsed, data read on demand in row blocks (rows = the first
 * dimension), converted to double or int64.
 *
 * Supported element types (little-endian or byte-sized): f4, f8, i1, i2, i4, i8, u1, u2, u4, u8,
 * b1. C order; Fortran order only when at most one dimension exceeds 1 (then both orders lay out
 * the same bytes). Big-endian, object, string, structured and other dtypes are refused. Every
 * error is an IoError naming the path and what was wrong (bad magic, header parse error,
 * unsupported dtype, truncated data).
 */
class NpyFile
{
  public:
    /** Opens `path` (any GDAL VSI path, or "file.npz:member") and reads the header. */
    explicit NpyFile(const std::string& path);
    ~NpyFile();
    NpyFile(const NpyFile&) = delete;
    NpyFile& operator=(const NpyFile&) = delete;

    /** The path as given (used in messages). */
    const std::string& path() const;
    /** The array shape; empty for a 0-d (scalar) array. */
    const std::vector<std::int64_t>& shape() const;
    /** The dtype descriptor as stored, e.g. "<f4". */
    const std::string& dtype() const;
    /** shape[0] (1 for a 0-d array). */
    std::int64_t rows() const;
    /** Elements per row: the product of shape[1:] (1 for 0-d and 1-d arrays). */
    std::int64_t rowLength() const;

    /** Reads rows [first, first + count) into out[count x rowLength()] as doubles. */
    void readRows(std::int64_t first, std::int64_t count, double* out);
    /**
     * Reads rows as int64. Floating-point values must be integral and in range; uint64 values
     * above INT64_MAX are refused (IoError naming the element).
     */
    void readRows(std::int64_t first, std::int64_t count, std::int64_t* out);

    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

/** A whole array in memory: shape and row-major values. */
template <typename T> struct NpyArray
{
    std::vector<std::int64_t> shape;
    std::vector<T> values;
};

/** Reads a whole .npy array converted to double (see NpyFile). */
NpyArray<double> readNpyDoubles(const std::string& path);

/** Reads a whole .npy array converted to int64 (see NpyFile::readRows for the int rules). */
NpyArray<std::int64_t> readNpyInt64(const std::string& path);

} // namespace geoinr::rasters
