// SPDX-License-Identifier: MIT
#include "geoinr_dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>

namespace geoinr::gdal_driver
{

GeoInrDataset::GeoInrDataset(std::shared_ptr<const rasters::GridPredictor> predictor,
                             const rasters::RasterGrid& grid, int blockSize)
    : m_predictor(std::move(predictor)), m_grid(grid), m_blockSize(blockSize)
{
    nRasterXSize = grid.width;
    nRasterYSize = grid.height;
    m_srs.importFromWkt(grid.crsWkt.c_str());
    m_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    for (int b = 0; b < m_predictor->bandCount(); ++b)
    {
        SetBand(b + 1, new GeoInrBand(this, b + 1, blockSize));
    }
}

GeoInrDataset::~GeoInrDataset() = default;

CPLErr GeoInrDataset::GetGeoTransform(double* transform)
{
    std::copy(m_grid.geoTransform.begin(), m_grid.geoTransform.end(), transform);
    return CE_None;
}

const OGRSpatialReference* GeoInrDataset::GetSpatialRef() const
{
    return m_srs.IsEmpty() ? nullptr : &m_srs;
}

void GeoInrDataset::addComputedOverviews()
{
    if (nRasterXSize <= m_blockSize && nRasterYSize <= m_blockSize)
    {
        return;
    }
    for (int factor = 2;; factor *= 2)
    {
        const auto coarse = m_grid.coarsened(factor);
        m_overviews.push_back(std::make_unique<GeoInrDataset>(m_predictor, coarse, m_blockSize));
        if (coarse.width <= m_blockSize && coarse.height <= m_blockSize)
        {
            return;
        }
    }
}

GeoInrDataset* GeoInrDataset::overview(int i) const
{
    return i >= 0 && i < overviewCount() ? m_overviews[static_cast<std::size_t>(i)].get() : nullptr;
}

CPLErr GeoInrDataset::computeBlock(int bx, int by, int band, void* image)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const int x0 = bx * m_blockSize, y0 = by * m_blockSize;
    const int w = std::min(m_blockSize, nRasterXSize - x0);
    const int h = std::min(m_blockSize, nRasterYSize - y0);
    const int bands = m_predictor->bandCount();
    std::vector<float> values;
    try
    {
        values.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) *
                      static_cast<std::size_t>(bands));
        m_predictor->computeWindow(m_grid, x0, y0, w, h, values.data());
    }
    catch (const std::exception& e)
    {
        CPLError(CE_Failure, CPLE_AppDefined, "GEOINR: %s: block %d,%d: %s", GetDescription(), bx,
                 by, e.what());
        return CE_Failure;
    }
    CPLDebug("GEOINR", "computed block %d,%d of %dx%d (%d bands)", bx, by, nRasterXSize,
             nRasterYSize, bands);
    const GDALDataType type = m_predictor->byteBands() ? GDT_Byte : GDT_Float32;
    const int typeSize = GDALGetDataTypeSizeBytes(type);
    const double nodata = m_predictor->nodata();
    const auto pixels = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    for (int b = 1; b <= bands; ++b)
    {
        GDALRasterBlock* cached = nullptr;
        void* dst = image;
        if (b != band)
        {
            auto* other = GetRasterBand(b);
            if (auto* existing = other->TryGetLockedBlockRef(bx, by))
            {
                existing->DropLock();
                continue;
            }
            cached = other->GetLockedBlockRef(bx, by, TRUE);
            if (cached == nullptr)
            {
                continue; // no cache room: that band computes its block when read
            }
            dst = cached->GetDataRef();
        }
        auto* bytes = static_cast<GByte*>(dst);
        if (w < m_blockSize || h < m_blockSize)
        {
            // Partial blocks: the part outside the raster is nodata.
            GDALCopyWords64(&nodata, GDT_Float64, 0, bytes, type, typeSize,
                            static_cast<GPtrDiff_t>(m_blockSize) * m_blockSize);
        }
        const float* src = values.data() + static_cast<std::size_t>(b - 1) * pixels;
        for (int r = 0; r < h; ++r)
        {
            GDALCopyWords(src + static_cast<std::size_t>(r) * w, GDT_Float32, sizeof(float),
                          bytes + static_cast<std::size_t>(r) * m_blockSize * typeSize, type,
                          typeSize, w);
        }
        if (cached != nullptr)
        {
            cached->DropLock();
        }
    }
    return CE_None;
}

GeoInrBand::GeoInrBand(GeoInrDataset* dataset, int band, int blockSize)
{
    poDS = dataset;
    nBand = band;
    eDataType = dataset->predictor().byteBands() ? GDT_Byte : GDT_Float32;
    nBlockXSize = blockSize;
    nBlockYSize = blockSize;
    const auto& p = dataset->predictor();
    // GDALMajorObject's setters: the PAM ones would mark the band dirty and write .aux.xml files.
    GDALMajorObject::SetDescription(p.bandNames()[static_cast<std::size_t>(band - 1)].c_str());
    if (!p.thresholds().empty())
    {
        GDALMajorObject::SetMetadataItem(
            "GEOINR_THRESHOLD",
            fmt::format("{}", p.thresholds()[static_cast<std::size_t>(band - 1)]).c_str());
    }
}

CPLErr GeoInrBand::IReadBlock(int bx, int by, void* image)
{
    return static_cast<GeoInrDataset*>(poDS)->computeBlock(bx, by, nBand, image);
}

double GeoInrBand::GetNoDataValue(int* success)
{
    if (success != nullptr)
    {
        *success = TRUE;
    }
    return static_cast<GeoInrDataset*>(poDS)->predictor().nodata();
}

double GeoInrBand::GetScale(int* success)
{
    if (success != nullptr)
    {
        *success = TRUE;
    }
    return static_cast<GeoInrDataset*>(poDS)->predictor().scale();
}

double GeoInrBand::GetOffset(int* success)
{
    if (success != nullptr)
    {
        *success = TRUE;
    }
    return 0.0;
}

int GeoInrBand::GetOverviewCount()
{
    return static_cast<GeoInrDataset*>(poDS)->overviewCount();
}

GDALRasterBand* GeoInrBand::GetOverview(int i)
{
    auto* ov = static_cast<GeoInrDataset*>(poDS)->overview(i);
    return ov != nullptr ? ov->GetRasterBand(nBand) : nullptr;
}

} // namespace geoinr::gdal_driver
