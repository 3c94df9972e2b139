// SPDX-License-Identifier: MIT
// What the dock asks of a loaded model: a readable summary, and "what lives here" (the species
// most likely at one place, with covariates read there as for a map pixel).
#pragma once

#include <geoinr/rasters/grid_predictor.h>

#include <QObject>
#include <QString>
#include <QStringList>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace geoinr::qgis
{

/** HTML lines: encoder, network, input, species count, covariates, loss, epochs, records. */
QString modelSummaryHtml(const nlohmann::json& checkpointHeader);

struct SpeciesProbability
{
    std::string species;
    double probability = 0.0;
};

/**
 * The `count` most likely species at (lon, lat) (WGS84 degrees), most likely first, from a
 * predictor over every species (Probability output). Empty when the place has no covariates.
 * The value a map pixel centred there shows (to float rounding).
 */
std::vector<SpeciesProbability> mostLikelySpecies(const rasters::GridPredictor& predictor,
                                                  double lon, double lat, int count);

} // namespace geoinr::qgis
