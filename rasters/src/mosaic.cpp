// SPDX-License-Identifier: MIT
// Joining the parts of a distributed prediction: a VRT over the part GeoTIFFs, optionally merged
// into one COG/GeoTIFF, with the parts checked to be one grid's.
#include "gdal_util.h"
#include "output_file.h"

#include <geoinr/core/error.h>
#include <geoinr/core/progress.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/range_raster.h>

#include <cpl_string.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <unistd.h>

namespace geoinr::rasters
{
namespace
{

struct PartInfo
{
    std::string path;
    int part = 0, parts = 0;
    std::string grid; ///< "width height" of the whole grid
    int bands = 0;
    double top = 0.0;
};

PartInfo describePart(const std::string& path, GDALDataset& ds)
{
    PartInfo info;
    info.path = path;
    const char* part = ds.GetMetadataItem("GEOINR_PART");
    const char* grid = ds.GetMetadataItem("GEOINR_GRID");
    if (part == nullptr || grid == nullptr ||
        std::sscanf(part, "%d/%d", &info.part, &info.parts) != 2)
    {
        throw InvalidArgument(fmt::format("{}: not a part of a GeoINR prediction (no GEOINR_PART "
                                          "metadata; write parts with geoinr predict --part i/N)",
                                          path));
    }
    info.grid = grid;
    info.bands = ds.GetRasterCount();
    std::array<double, 6> gt{};
    ds.GetGeoTransform(gt.data());
    info.top = gt[3];
    return info;
}

/** Copies band names, nodata, scale and metadata of `from` into the VRT. */
void copyDescriptions(GDALDataset& from, GDALDataset& to)
{
    to.SetMetadata(from.GetMetadata());
    to.SetMetadataItem("GEOINR_PART", nullptr);
    to.SetMetadataItem("GEOINR_GRID", nullptr);
    for (int b = 1; b <= from.GetRasterCount(); ++b)
    {
        auto* src = from.GetRasterBand(b);
        auto* dst = to.GetRasterBand(b);
        dst->SetDescription(src->GetDescription());
        int hasNodata = 0;
        const double nodata = src->GetNoDataValue(&hasNodata);
        if (hasNodata != 0)
        {
            dst->SetNoDataValue(nodata);
        }
        dst->SetScale(src->GetScale());
        dst->SetOffset(src->GetOffset());
        dst->SetMetadata(src->GetMetadata());
    }
}

} // namespace

void mosaicParts(const MosaicOptions& o, const core::ProgressSink& progress)
{
    ensureGdalRegistered();
    if (o.parts.empty() || o.vrt.empty())
    {
        throw InvalidArgument("mosaic: give the part files and a VRT to write");
    }
    std::vector<PartInfo> infos;
    std::set<int> seen;
    std::unique_ptr<GDALDataset> first;
    for (const auto& path : o.parts)
    {
        std::unique_ptr<GDALDataset> ds(
            GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_VERBOSE_ERROR));
        if (!ds)
        {
            throw IoError(fmt::format("{}: cannot open ({})", path, CPLGetLastErrorMsg()));
        }
        auto info = describePart(path, *ds);
        if (!infos.empty() && (info.parts != infos[0].parts || info.grid != infos[0].grid ||
                               info.bands != infos[0].bands))
        {
            throw InvalidArgument(fmt::format("{}: part {}/{} of a {} grid with {} bands, but {} "
                                              "is part of a {}/{} split of a {} grid with {} bands",
                                              path, info.part, info.parts, info.grid, info.bands,
                                              infos[0].path, infos[0].part, infos[0].parts,
                                              infos[0].grid, infos[0].bands));
        }
        if (!seen.insert(info.part).second)
        {
            throw InvalidArgument(fmt::format("{}: part {} given twice", path, info.part));
        }
        infos.push_back(info);
        if (!first)
        {
            first = std::move(ds);
        }
    }
    if (static_cast<int>(infos.size()) != infos[0].parts)
    {
        std::string missing;
        for (int i = 0; i < infos[0].parts; ++i)
        {
            missing += seen.count(i) == 0 ? fmt::format(" {}", i) : "";
        }
        throw InvalidArgument(fmt::format("mosaic: {} of {} parts given; missing part(s){}",
                                          infos.size(), infos[0].parts, missing));
    }
    core::reportProgress(progress, 0.05, "building the VRT");
    std::vector<const char*> names;
    for (const auto& p : o.parts)
    {
        names.push_back(p.c_str());
    }
    detail::TempFile vrtTmp(fmt::format("{}.tmp-{}.vrt", o.vrt, getpid()));
    int usageError = 0;
    std::unique_ptr<GDALDataset> vrt(
        GDALDataset::FromHandle(GDALBuildVRT(vrtTmp.path().c_str(), static_cast<int>(names.size()),
                                             nullptr, names.data(), nullptr, &usageError)));
    if (!vrt)
    {
        throw IoError(fmt::format("{}: cannot build the VRT ({})", o.vrt, CPLGetLastErrorMsg()));
    }
    copyDescriptions(*first, *vrt);
    detail::closeChecked(vrt, o.vrt);
    detail::moveIntoPlace(vrtTmp, o.vrt);
    if (o.merged.empty())
    {
        return;
    }
    if (o.format != "COG" && o.format != "GTiff")
    {
        throw InvalidArgument(fmt::format("--format: expected GTiff or COG, got '{}'", o.format));
    }
    core::reportProgress(progress, 0.1, "merging the parts");
    CPLStringList args;
    args.AddString("-of");
    args.AddString(o.format.c_str());
    args.AddString("-co");
    args.AddString("COMPRESS=DEFLATE");
    if (o.format == "GTiff")
    {
        args.AddString("-co");
        args.AddString("TILED=YES");
    }
    auto* options = GDALTranslateOptionsNew(args.List(), nullptr);
    struct Bridge
    {
        const core::ProgressSink* sink;
    } bridge{&progress};
    GDALTranslateOptionsSetProgress(
        options,
        [](double done, const char*, void* data) -> int
        {
            const auto* sink = static_cast<Bridge*>(data)->sink;
            return (!*sink || (*sink)(0.1 + 0.9 * done, "merging the parts")) ? TRUE : FALSE;
        },
        &bridge);
    detail::TempFile mergedTmp(fmt::format("{}.tmp-{}.tif", o.merged, getpid()));
    GDALDatasetH src = GDALOpen(o.vrt.c_str(), GA_ReadOnly);
    std::unique_ptr<GDALDataset> out(GDALDataset::FromHandle(
        src == nullptr ? nullptr
                       : GDALTranslate(mergedTmp.path().c_str(), src, options, &usageError)));
    GDALTranslateOptionsFree(options);
    if (src != nullptr)
    {
        GDALClose(src);
    }
    if (!out)
    {
        throw IoError(fmt::format("{}: merging failed or was cancelled ({})", o.merged,
                                  CPLGetLastErrorMsg()));
    }
    detail::closeChecked(out, o.merged);
    detail::moveIntoPlace(mergedTmp, o.merged);
}

} // namespace geoinr::rasters
