// SPDX-License-Identifier: MIT
// Private helpers around GDAL/OGR: quiet error capture, WGS84 lon/lat SRS, CRS parsing, transforms.
#pragma once

#include <ogr_spatialref.h>

#include <memory>
#include <string>

namespace geoinr::rasters::detail
{

/** Routes GDAL errors to a quiet handler for its lifetime; read them with lastGdalError(). */
class QuietGdalErrors
{
  public:
    QuietGdalErrors();
    ~QuietGdalErrors();
    QuietGdalErrors(const QuietGdalErrors&) = delete;
    QuietGdalErrors& operator=(const QuietGdalErrors&) = delete;
};

/** The last GDAL error message, or "no details from GDAL". */
std::string lastGdalError();

/** WGS84 geographic CRS in lon/lat order (OAMS_TRADITIONAL_GIS_ORDER). */
OGRSpatialReference wgs84LonLat();

/** Parses EPSG:xxxx, WKT or a PROJ string (traditional GIS order); `what` names the option. */
OGRSpatialReference parseCrs(const std::string& text, const std::string& what);

/** True when `srs` is WGS84 lon/lat up to axis order (no transform needed). */
bool isWgs84(const OGRSpatialReference& srs);

/** True for no CRS, an empty one, or GeoPackage's "Undefined geographic/Cartesian SRS". */
bool isMissingCrs(const OGRSpatialReference* srs);

/** "EPSG:3857" when the CRS has an EPSG code, else its name. */
std::string crsLabel(const OGRSpatialReference& srs);

struct TransformDeleter
{
    void operator()(OGRCoordinateTransformation* t) const;
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

/** A transform between two CRSs (both set to traditional GIS order); throws IoError on failure. */
TransformPtr makeTransform(const OGRSpatialReference& from, const OGRSpatialReference& to);

/**
 * Throws IoError "<what> '<path>': not a regular file" for devices, FIFOs and sockets (a path in a
 * hostile descriptor such as /dev/stdin would block the host forever). GDAL virtual paths
 * (/vsi...), directories and paths that do not exist (GDAL reports those) pass.
 */
void requireFileLike(const std::string& path, const std::string& what);

} // namespace geoinr::rasters::detail
