// SPDX-License-Identifier: MIT
#include "gdal_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/land_ocean.h>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <cmath>
#include <memory>
#include <ogrsf_frmts.h>

namespace geoinr::rasters
{
namespace
{

struct PreparedDeleter
{
    void operator()(OGRPreparedGeometry* g) const { OGRDestroyPreparedGeometry(g); }
};

/** One polygon with its bounding box and a GEOS prepared geometry for fast point tests. */
struct LandPart
{
    std::unique_ptr<OGRGeometry> geometry;
    std::unique_ptr<OGRPreparedGeometry, PreparedDeleter> prepared;
    OGREnvelope envelope;
};

void addParts(const OGRGeometry* g, std::vector<LandPart>& parts)
{
    const auto type = wkbFlatten(g->getGeometryType());
    if (type == wkbPolygon || type == wkbCurvePolygon)
    {
        LandPart part;
        part.geometry.reset(g->clone());
        part.geometry->getEnvelope(&part.envelope);
        part.prepared.reset(OGRCreatePreparedGeometry(part.geometry.get()));
        parts.push_back(std::move(part));
    }
    else if (const auto* collection = dynamic_cast<const OGRGeometryCollection*>(g))
    {
        for (const auto* child : collection)
        {
            addParts(child, parts);
        }
    }
}

std::vector<LandPart> readLand(const std::string& path)
{
    ensureGdalRegistered();
    detail::requireFileLike(path, "land polygons");
    detail::QuietGdalErrors quiet;
    GDALDatasetUniquePtr ds(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr));
    if (!ds || ds->GetLayerCount() == 0)
    {
        throw IoError(
            fmt::format("cannot open '{}' as a polygon layer: {}", path, detail::lastGdalError()));
    }
    OGRLayer* layer = ds->GetLayer(0);
    detail::TransformPtr toLonLat;
    if (const auto* srs = layer->GetSpatialRef(); srs && !detail::isMissingCrs(srs))
    {
        if (!detail::isWgs84(*srs))
        {
            toLonLat = detail::makeTransform(*srs, detail::wgs84LonLat());
        }
    }
    std::vector<LandPart> parts;
    for (const auto& feature : *layer)
    {
        const OGRGeometry* g = feature->GetGeometryRef();
        if (!g)
        {
            continue;
        }
        std::unique_ptr<OGRGeometry> copy(g->clone());
        if (toLonLat && copy->transform(toLonLat.get()) != OGRERR_NONE)
        {
            throw IoError(fmt::format("{}: feature {}: cannot reproject to lon/lat", path,
                                      feature->GetFID()));
        }
        addParts(copy.get(), parts);
    }
    if (parts.empty())
    {
        throw IoError(fmt::format("{}: no polygon in the first layer", path));
    }
    if (!OGRHasPreparedGeometrySupport())
    {
        throw IoError("GDAL was built without GEOS: polygon containment tests are unavailable");
    }
    return parts;
}

} // namespace

std::vector<std::int64_t> landLabels(const std::string& landPolygons,
                                     const std::vector<double>& lonLat,
                                     const core::ProgressSink& progress)
{
    if (lonLat.size() % 2 != 0)
    {
        throw InvalidArgument("land labels: lon/lat values must come in pairs");
    }
    const auto parts = readLand(landPolygons);
    const auto n = lonLat.size() / 2;
    std::vector<std::int64_t> labels(n, 0);
    OGRPoint point;
    for (std::size_t i = 0; i < n; ++i)
    {
        const double lon = lonLat[2 * i];
        const double lat = lonLat[2 * i + 1];
        point.setX(lon);
        point.setY(lat);
        for (const auto& part : parts)
        {
            const auto& e = part.envelope;
            if (lon > e.MinX && lon < e.MaxX && lat > e.MinY && lat < e.MaxY &&
                OGRPreparedGeometryContains(part.prepared.get(), &point))
            {
                labels[i] = 1;
                break;
            }
        }
        if (i % 8192 == 0)
        {
            core::reportProgress(progress, static_cast<double>(i) / static_cast<double>(n),
                                 "labelling land and ocean");
        }
    }
    return labels;
}

std::vector<double> equalAreaTestGrid(double spacingM)
{
    if (!(spacingM >= 1000.0))
    {
        throw InvalidArgument(
            fmt::format("land-ocean test grid: spacing {} m, expected >= 1000 m", spacingM));
    }
    constexpr double kXMax = 17367530.45;
    constexpr double kYMax = 7324184.56;
    // np.arange(start, stop, step): ceil((stop - start) / step) values start + i * step.
    const auto nx = static_cast<std::size_t>(std::ceil(2 * kXMax / spacingM));
    const auto ny = static_cast<std::size_t>(std::ceil(2 * kYMax / spacingM));
    std::vector<double> x;
    std::vector<double> y;
    x.reserve(nx * ny);
    y.reserve(nx * ny);
    for (std::size_t r = 0; r < ny; ++r)
    {
        for (std::size_t c = 0; c < nx; ++c)
        {
            x.push_back(-kXMax + static_cast<double>(c) * spacingM);
            y.push_back(-kYMax + static_cast<double>(r) * spacingM);
        }
    }
    ensureGdalRegistered();
    const auto transform = detail::makeTransform(detail::parseCrs("EPSG:6933", "test grid CRS"),
                                                 detail::wgs84LonLat());
    if (!transform->Transform(x.size(), x.data(), y.data()))
    {
        throw IoError("land-ocean test grid: EPSG:6933 -> lon/lat failed: " +
                      detail::lastGdalError());
    }
    std::vector<double> lonLat(2 * x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
    {
        lonLat[2 * i] = x[i];
        lonLat[2 * i + 1] = y[i];
    }
    return lonLat;
}

core::ClassificationTask landOceanTask(const LandOceanOptions& o,
                                       const core::ProgressSink& progress)
{
    if (o.numSamples < 1)
    {
        throw InvalidArgument("land-ocean: --samples must be >= 1");
    }
    core::ClassificationTask task;
    task.name = "land-ocean";
    task.numClasses = 2;
    task.train.lonLat = core::sphericalUniformLonLat(o.numSamples, o.trainSeed);
    task.validation.lonLat = core::sphericalUniformLonLat(o.numSamples, o.validationSeed);
    task.test.lonLat = equalAreaTestGrid(o.gridSpacingM);
    auto all = task.train.lonLat;
    all.insert(all.end(), task.validation.lonLat.begin(), task.validation.lonLat.end());
    all.insert(all.end(), task.test.lonLat.begin(), task.test.lonLat.end());
    const auto labels = landLabels(o.landPolygons, all, progress);
    const auto nTrain = task.train.lonLat.size() / 2;
    const auto nVal = task.validation.lonLat.size() / 2;
    const auto begin = labels.begin();
    task.train.labels.assign(begin, begin + static_cast<std::ptrdiff_t>(nTrain));
    task.validation.labels.assign(begin + static_cast<std::ptrdiff_t>(nTrain),
                                  begin + static_cast<std::ptrdiff_t>(nTrain + nVal));
    task.test.labels.assign(begin + static_cast<std::ptrdiff_t>(nTrain + nVal), labels.end());
    return task;
}

} // namespace geoinr::rasters
