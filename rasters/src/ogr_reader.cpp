// SPDX-License-Identifier: MIT
// Occurrences from an OGR point layer (GeoPackage, Shapefile, GeoJSON, ...), reprojected to WGS84.
#include "gdal_util.h"
#include "occurrence_builder.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/occurrences.h>

#include <gdal_priv.h>

#include <cmath>
#include <limits>
#include <memory>
#include <ogrsf_frmts.h>
#include <optional>

namespace geoinr::rasters
{
namespace
{

struct DatasetCloser
{
    void operator()(GDALDataset* ds) const { GDALClose(GDALDataset::ToHandle(ds)); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

DatasetPtr openVector(const std::string& path)
{
    detail::QuietGdalErrors quiet;
    DatasetPtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds)
    {
        throw IoError("cannot open '" + path + "' as a vector dataset: " + detail::lastGdalError());
    }
    return ds;
}

OGRLayer* pickLayer(GDALDataset& ds, const std::string& path, const std::string& name)
{
    std::vector<std::string> names;
    for (OGRLayer* layer : ds.GetLayers())
    {
        names.emplace_back(layer->GetName());
    }
    if (names.empty())
    {
        throw IoError(path + ": no vector layer in the file");
    }
    if (name.empty())
    {
        return ds.GetLayer(0);
    }
    OGRLayer* layer = ds.GetLayerByName(name.c_str());
    if (layer == nullptr)
    {
        throw IoError(path + ": no layer '" + name + "'; layers are: " + detail::joinNames(names));
    }
    return layer;
}

std::vector<std::string> fieldNames(OGRFeatureDefn& defn)
{
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(defn.GetFieldCount()));
    for (int i = 0; i < defn.GetFieldCount(); ++i)
    {
        names.emplace_back(defn.GetFieldDefn(i)->GetNameRef());
    }
    return names;
}

int requireField(const std::vector<std::string>& names, const std::string& where,
                 const std::string& given, const std::string& option,
                 const std::vector<std::string>& candidates, const std::string& role)
{
    const auto found =
        detail::findColumn(names, given.empty() ? candidates : std::vector<std::string>{given});
    if (!found)
    {
        const std::string wanted = given.empty()
                                       ? "no " + role + " field (looked for " +
                                             detail::joinNames(candidates) + "; set " + option + ")"
                                       : "no field '" + given + "' (" + option + ")";
        throw IoError(where + ": " + wanted + "; fields are: " + detail::joinNames(names));
    }
    return static_cast<int>(*found);
}

/** Field indices the reader needs; lon/lat only for layers without geometry. */
struct LayerFields
{
    std::optional<int> species;
    std::optional<int> lon;
    std::optional<int> lat;
    std::vector<int> covariates;
};

LayerFields resolveFields(OGRLayer& layer, const std::string& where,
                          const OccurrenceOptions& options, bool hasGeometry, bool projected)
{
    const auto names = fieldNames(*layer.GetLayerDefn());
    LayerFields f;
    if (!options.speciesColumn.empty())
    {
        f.species = requireField(names, where, options.speciesColumn, "speciesColumn", {}, "");
    }
    else if (const auto found = detail::findColumn(names, detail::speciesColumnCandidates()))
    {
        f.species = static_cast<int>(*found);
    }
    else if (options.singleSpecies.empty())
    {
        throw IoError(where + ": no species field (looked for " +
                      detail::joinNames(detail::speciesColumnCandidates()) +
                      "; set speciesColumn, or singleSpecies for a one-species layer); fields "
                      "are: " +
                      detail::joinNames(names));
    }
    if (!hasGeometry)
    {
        f.lon = requireField(names, where, options.lonColumn, "lonColumn",
                             detail::lonColumnCandidates(projected), "longitude");
        f.lat = requireField(names, where, options.latColumn, "latColumn",
                             detail::latColumnCandidates(projected), "latitude");
    }
    for (const auto& name : options.covariateColumns)
    {
        f.covariates.push_back(requireField(names, where, name, "covariateColumns", {}, ""));
    }
    return f;
}

std::optional<OGRSpatialReference> layerCrs(OGRLayer& layer, const std::string& where,
                                            const OccurrenceOptions& options, bool hasGeometry)
{
    if (!options.sourceCrs.empty())
    {
        return detail::parseCrs(options.sourceCrs, "sourceCrs");
    }
    if (!hasGeometry)
    {
        return std::nullopt; // lon/lat attribute fields: WGS84 as for CSV
    }
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (detail::isMissingCrs(srs))
    {
        throw IoError(where + " has no CRS; set sourceCrs (e.g. EPSG:4326) to say what the "
                              "coordinates are");
    }
    return *srs;
}

/** Numeric value of field `index`: NaN when null; false when the text is not a number. */
bool fieldNumber(const OGRFeature& feature, int index, double& out)
{
    out = std::numeric_limits<double>::quiet_NaN();
    if (!feature.IsFieldSetAndNotNull(index))
    {
        return true;
    }
    const OGRFieldType type = feature.GetFieldDefnRef(index)->GetType();
    if (type == OFTInteger || type == OFTInteger64 || type == OFTReal)
    {
        out = feature.GetFieldAsDouble(index);
        return true;
    }
    const auto v = detail::parseNumber(feature.GetFieldAsString(index));
    if (v.valid)
    {
        out = v.value;
    }
    return v.valid || v.missing;
}

/** The point of a feature; "" when found, else why not. Throws on non-point geometry. */
std::string featurePoint(const OGRFeature& feature, const std::string& where, double& x, double& y)
{
    const OGRGeometry* g = feature.GetGeometryRef();
    if (g == nullptr || g->IsEmpty())
    {
        return "feature has no geometry";
    }
    const OGRwkbGeometryType type = wkbFlatten(g->getGeometryType());
    const OGRPoint* point = nullptr;
    if (type == wkbPoint)
    {
        point = g->toPoint();
    }
    else if (type == wkbMultiPoint && g->toMultiPoint()->getNumGeometries() == 1)
    {
        point = g->toMultiPoint()->getGeometryRef(0);
    }
    if (point == nullptr)
    {
        throw IoError(where + " has a " + OGRGeometryTypeToName(g->getGeometryType()) +
                      " geometry; occurrences must be points (convert polygons to points or "
                      "centroids first)");
    }
    x = point->getX();
    y = point->getY();
    return {};
}

} // namespace

OccurrenceTable readOccurrencesOgr(const std::string& path, const OccurrenceOptions& options)
{
    ensureGdalRegistered();
    DatasetPtr ds = openVector(path);
    OGRLayer* layer = pickLayer(*ds, path, options.layer);
    const std::string layerWhere = path + ": layer '" + layer->GetName() + "'";
    const bool hasGeometry = layer->GetLayerDefn()->GetGeomFieldCount() > 0;
    const auto crs = layerCrs(*layer, layerWhere, options, hasGeometry);
    const bool projected = crs && !crs->IsGeographic();
    const LayerFields fields = resolveFields(*layer, layerWhere, options, hasGeometry, projected);
    const auto* defn = layer->GetLayerDefn();
    const auto label = [&](const std::optional<int>& index, const std::string& fallback)
    {
        return index ? "field '" + std::string(defn->GetFieldDefn(*index)->GetNameRef()) + "'"
                     : fallback;
    };

    detail::OccurrenceBuilder builder(path, options.skipInvalid, options.covariateColumns,
                                      crs ? &*crs : nullptr, label(fields.lon, "point x"),
                                      label(fields.lat, "point y"),
                                      label(fields.species, "singleSpecies"));
    std::vector<double> covariates(fields.covariates.size());
    layer->ResetReading();
    for (const auto& feature : *layer)
    {
        const std::string where = layerWhere + " feature " + std::to_string(feature->GetFID());
        double x = 0.0;
        double y = 0.0;
        std::string why;
        if (hasGeometry)
        {
            why = featurePoint(*feature, where, x, y);
        }
        else if (!fieldNumber(*feature, *fields.lon, x) || !fieldNumber(*feature, *fields.lat, y) ||
                 std::isnan(x) || std::isnan(y))
        {
            why = "coordinate fields are empty or not numbers";
        }
        for (std::size_t k = 0; k < covariates.size() && why.empty(); ++k)
        {
            if (!fieldNumber(*feature, fields.covariates[k], covariates[k]))
            {
                why = label(fields.covariates[k], "") + " value '" +
                      feature->GetFieldAsString(fields.covariates[k]) + "' is not a number";
            }
        }
        if (!why.empty())
        {
            builder.reject(where, why);
            continue;
        }
        const std::string species = fields.species
                                        ? detail::trim(feature->GetFieldAsString(*fields.species))
                                        : options.singleSpecies;
        builder.addRow(where, species, x, y, covariates);
    }
    return builder.finish();
}

} // namespace geoinr::rasters
