// SPDX-License-Identifier: MIT
// Model configuration JSON (what --encoder / --network and checkpoint headers hold): any text gives
// a model or a geoinr::Error, never a crash or an allocation bomb.
#include <geoinr/core/encoder_catalog.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/range_model.h>

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    nlohmann::json config;
    try
    {
        config = nlohmann::json::parse(data, data + size);
    }
    catch (const nlohmann::json::exception&)
    {
        return 0;
    }
    try
    {
        if (config.is_object() && config.contains("encoder"))
        {
            geoinr::core::resolveEncoderConfig(config.at("encoder"));
        }
        geoinr::core::makeRangeModel(config);
    }
    catch (const geoinr::Error&)
    {
    }
    return 0;
}
