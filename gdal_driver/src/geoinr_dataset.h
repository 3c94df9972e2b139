// SPDX-License-Identifier: MIT
// The GEOINR raster: a GridPredictor on a grid, computed block by block in IReadBlock, with
// overviews that evaluate the model on coarser grids. Nothing here throws to GDAL: errors become
// CPLError and CE_Failure.
#pragma once

#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/raster_grid.h>

#include <gdal_pam.h>
#include <ogr_spatialref.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace geoinr::gdal_driver
{

class GeoInrDataset final : public GDALPamDataset
{
  public:
    GeoInrDataset(std::shared_ptr<const rasters::GridPredictor> predictor,
                  const rasters::RasterGrid& grid, int blockSize);
    ~GeoInrDataset() override;

    static int Identify(GDALOpenInfo* info);
    static GDALDataset* Open(GDALOpenInfo* info);

    CPLErr GetGeoTransform(double* transform) override;
    const OGRSpatialReference* GetSpatialRef() const override;

    /** Adds overview levels (factors 2, 4, ...) until both sides fit in one block. */
    void addComputedOverviews();
    int overviewCount() const { return static_cast<int>(m_overviews.size()); }
    GeoInrDataset* overview(int i) const;

    /**
     * Computes block (bx, by) for every band: `band`'s into `image`, the others into GDAL's block
     * cache (one network pass serves all species). Reports errors through CPLError.
     */
    CPLErr computeBlock(int bx, int by, int band, void* image);

    const rasters::GridPredictor& predictor() const { return *m_predictor; }

  private:
    std::shared_ptr<const rasters::GridPredictor> m_predictor;
    rasters::RasterGrid m_grid;
    OGRSpatialReference m_srs;
    int m_blockSize;
    std::vector<std::unique_ptr<GeoInrDataset>> m_overviews;
    std::mutex m_mutex; // GDAL may read blocks of one dataset from several threads
};

class GeoInrBand final : public GDALPamRasterBand
{
  public:
    GeoInrBand(GeoInrDataset* dataset, int band, int blockSize);

    CPLErr IReadBlock(int bx, int by, void* image) override;
    double GetNoDataValue(int* success = nullptr) override;
    double GetScale(int* success = nullptr) override;
    double GetOffset(int* success = nullptr) override;
    int GetOverviewCount() override;
    GDALRasterBand* GetOverview(int i) override;
};

} // namespace geoinr::gdal_driver
