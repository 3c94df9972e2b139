// SPDX-License-Identifier: MIT
#include "output_file.h"

#include <geoinr/core/error.h>

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <fmt/format.h>
#include <gdal_priv.h>

#include <cstdio>

namespace geoinr::rasters::detail
{

TempFile::~TempFile()
{
    if (!m_released)
    {
        VSIUnlink(m_path.c_str());
    }
}

void moveIntoPlace(TempFile& tmp, const std::string& output)
{
    if (std::rename(tmp.path().c_str(), output.c_str()) != 0)
    {
        throw IoError(fmt::format("{}: cannot move the result into place", output));
    }
    tmp.release();
}

void throwOnGdalFailure(const std::string& output)
{
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
    {
        throw IoError(
            fmt::format("{}: write failed ({}); is the disk full?", output, CPLGetLastErrorMsg()));
    }
}

void closeChecked(std::unique_ptr<GDALDataset>& ds, const std::string& output)
{
    CPLErrorReset();
    ds->FlushCache(true);
    ds.reset();
    throwOnGdalFailure(output);
}

} // namespace geoinr::rasters::detail
