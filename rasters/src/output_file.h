// SPDX-License-Identifier: MIT
// Private: how rasters/ writes a GDAL output without leaving a partial file: a temporary name
// removed unless released, a close that surfaces GDAL's deferred write errors, then a rename.
#pragma once

#include <memory>
#include <string>

class GDALDataset;

namespace geoinr::rasters::detail
{

/** Deletes its file unless released (the result is complete and renamed). */
class TempFile
{
  public:
    explicit TempFile(std::string path) : m_path(std::move(path)) {}
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return m_path; }
    void release() { m_released = true; }

  private:
    std::string m_path;
    bool m_released = false;
};

/** Renames the temporary file to `output` and releases it; IoError naming `output` otherwise. */
void moveIntoPlace(TempFile& tmp, const std::string& output);

/**
 * Throws IoError "<output>: write failed (...)" when GDAL's last error on this thread is a
 * failure. GDAL reports a failed write (a full disk) as an error message, not a return value.
 */
void throwOnGdalFailure(const std::string& output);

/** Flushes and closes a written dataset (GDAL writes cached blocks only now), then
 *  throwOnGdalFailure: without it a broken file would be renamed into place as complete. */
void closeChecked(std::unique_ptr<GDALDataset>& ds, const std::string& output);

} // namespace geoinr::rasters::detail
