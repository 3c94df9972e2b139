// SPDX-License-Identifier: MIT
#include "gdal_util.h"

#include <geoinr/core/error.h>

#include <cpl_error.h>
#include <fmt/format.h>

#include <filesystem>

namespace geoinr::rasters::detail
{

QuietGdalErrors::QuietGdalErrors()
{
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
}

QuietGdalErrors::~QuietGdalErrors()
{
    CPLPopErrorHandler();
}

std::string lastGdalError()
{
    const char* msg = CPLGetLastErrorMsg();
    return (msg != nullptr && *msg != '\0') ? std::string(msg)
                                            : std::string("no details from GDAL");
}

OGRSpatialReference wgs84LonLat()
{
    OGRSpatialReference srs;
    srs.SetWellKnownGeogCS("WGS84");
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

OGRSpatialReference parseCrs(const std::string& text, const std::string& what)
{
    QuietGdalErrors quiet;
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(text.c_str()) != OGRERR_NONE)
    {
        throw InvalidArgument(
            what + ": '" + text +
            "' is not a CRS (expected EPSG:xxxx, WKT or a PROJ string): " + lastGdalError());
    }
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

bool isWgs84(const OGRSpatialReference& srs)
{
    static const char* const kOptions[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                                           "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS",
                                           nullptr};
    const OGRSpatialReference wgs84 = wgs84LonLat();
    return srs.IsGeographic() && srs.IsSame(&wgs84, kOptions);
}

bool isMissingCrs(const OGRSpatialReference* srs)
{
    if (srs == nullptr || srs->IsEmpty())
    {
        return true;
    }
    const char* name = srs->GetName();
    const std::string n = name != nullptr ? name : "";
    return n == "Undefined geographic SRS" || n == "Undefined Cartesian SRS";
}

std::string crsLabel(const OGRSpatialReference& srs)
{
    const char* authority = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (authority != nullptr && code != nullptr)
    {
        return std::string(authority) + ":" + code;
    }
    const char* name = srs.GetName();
    return name != nullptr ? std::string(name) : std::string("unnamed CRS");
}

void TransformDeleter::operator()(OGRCoordinateTransformation* t) const
{
    OGRCoordinateTransformation::DestroyCT(t);
}

TransformPtr makeTransform(const OGRSpatialReference& from, const OGRSpatialReference& to)
{
    OGRSpatialReference src(from);
    OGRSpatialReference dst(to);
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    QuietGdalErrors quiet;
    TransformPtr t(OGRCreateCoordinateTransformation(&src, &dst));
    if (!t)
    {
        throw IoError("cannot transform coordinates from " + crsLabel(src) + " to " +
                      crsLabel(dst) + ": " + lastGdalError());
    }
    return t;
}

void requireFileLike(const std::string& path, const std::string& what)
{
    if (path.rfind("/vsi", 0) == 0)
    {
        return;
    }
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status) &&
        !std::filesystem::is_directory(status))
    {
        throw IoError(fmt::format("{} '{}': not a regular file", what, path));
    }
}

} // namespace geoinr::rasters::detail
