// SPDX-License-Identifier: MIT
// GDAL entry points of the GEOINR driver: Identify, Open (descriptor + open options) and
// registration. Every exception stops here and becomes a CPLError.
#include "geoinr_dataset.h"
#include "predictor_cache.h"

#include <geoinr/core/predictor.h>
#include <geoinr/gdal_driver/register.h>
#include <geoinr/rasters/virtual_raster.h>

#include <cpl_string.h>
#include <gdal_priv.h>

#include <exception>
#include <sstream>

namespace geoinr::gdal_driver
{
namespace
{

constexpr const char* kOpenOptions =
    "<OpenOptionList>"
    "<Option name='SPECIES' type='string' description='Comma-separated species names (default: "
    "those of the file)'/>"
    "<Option name='VALUES' type='string-select' description='What the bands hold'>"
    "<Value>probability</Value><Value>logit</Value><Value>byte</Value><Value>binary</Value>"
    "<Value>embedding</Value>"
    "</Option>"
    "<Option name='THRESHOLD' type='string' description='Binary ranges: a probability, or a rule "
    "stored in the checkpoint (mtp, presence_95, presence_90, max_tss)'/>"
    "</OpenOptionList>";

void applyOpenOptions(CSLConstList options, rasters::VirtualRasterSpec& spec)
{
    const char* species = CSLFetchNameValue(options, "SPECIES");
    if (species != nullptr)
    {
        spec.model.species.clear();
        std::stringstream list(species);
        for (std::string name; std::getline(list, name, ',');)
        {
            if (!name.empty())
            {
                spec.model.species.push_back(name);
            }
        }
    }
    const char* values = CSLFetchNameValue(options, "VALUES");
    if (values != nullptr)
    {
        spec.model.output = rasters::parseRangeOutput(values);
    }
    if (const char* threshold = CSLFetchNameValue(options, "THRESHOLD"))
    {
        spec.model.threshold = threshold;
        if (values == nullptr)
        {
            spec.model.output = rasters::RangeOutput::Binary;
        }
    }
    if (spec.model.output != rasters::RangeOutput::Binary)
    {
        spec.model.threshold.clear();
    }
    // VALUES=embedding on a range descriptor: the file's species do not apply (SPECIES given
    // explicitly still does, and is refused by the predictor).
    if (spec.model.output == rasters::RangeOutput::Embedding && species == nullptr)
    {
        spec.model.species.clear();
    }
}

} // namespace

int GeoInrDataset::Identify(GDALOpenInfo* info)
{
    return info->pabyHeader != nullptr &&
                   rasters::looksLikeVirtualRaster(reinterpret_cast<const char*>(info->pabyHeader),
                                                   static_cast<std::size_t>(info->nHeaderBytes))
               ? TRUE
               : FALSE;
}

GDALDataset* GeoInrDataset::Open(GDALOpenInfo* info)
{
    if (!Identify(info))
    {
        return nullptr;
    }
    if (info->eAccess == GA_Update)
    {
        CPLError(CE_Failure, CPLE_NotSupported,
                 "GEOINR: %s is read-only: its pixels are computed from a model",
                 info->pszFilename);
        return nullptr;
    }
    try
    {
        auto spec = rasters::readVirtualRaster(info->pszFilename);
        applyOpenOptions(info->papszOpenOptions, spec);
        auto predictor = sharedPredictor(spec.checkpoint, spec.model);
        const auto& meta = predictor->predictor().header().at("metadata");
        const auto grid =
            rasters::resolveGrid(spec.grid, meta.value("covariates", nlohmann::json::object()));
        auto ds = std::make_unique<GeoInrDataset>(predictor, grid, spec.blockSize);
        ds->addComputedOverviews();
        for (const auto& [key, value] : predictor->metadata(spec.checkpoint))
        {
            ds->GDALMajorObject::SetMetadataItem(key.c_str(), value.c_str());
        }
        ds->SetDescription(info->pszFilename);
        ds->TryLoadXML();
        return ds.release();
    }
    catch (const std::exception& e)
    {
        CPLError(CE_Failure, CPLE_OpenFailed, "GEOINR: %s", e.what());
    }
    catch (...)
    {
        CPLError(CE_Failure, CPLE_OpenFailed, "GEOINR: %s: unknown error", info->pszFilename);
    }
    return nullptr;
}

} // namespace geoinr::gdal_driver

extern "C" void GDALRegister_GEOINR()
{
    if (!GDAL_CHECK_VERSION("GEOINR") || GDALGetDriverByName("GEOINR") != nullptr)
    {
        return;
    }
    auto* driver = new GDALDriver();
    driver->SetDescription("GEOINR");
    driver->SetMetadataItem(GDAL_DCAP_RASTER, "YES");
    driver->SetMetadataItem(GDAL_DMD_LONGNAME, "GeoINR species range model (computed on demand)");
    driver->SetMetadataItem(GDAL_DMD_EXTENSION, "geoinr");
    driver->SetMetadataItem(GDAL_DMD_HELPTOPIC, "gdal_driver/README.md in the GeoINR sources");
    driver->SetMetadataItem(GDAL_DCAP_VIRTUALIO, "YES");
    driver->SetMetadataItem(GDAL_DMD_OPENOPTIONLIST, geoinr::gdal_driver::kOpenOptions);
    driver->pfnIdentify = geoinr::gdal_driver::GeoInrDataset::Identify;
    driver->pfnOpen = geoinr::gdal_driver::GeoInrDataset::Open;
    GetGDALDriverManager()->RegisterDriver(driver);
}
