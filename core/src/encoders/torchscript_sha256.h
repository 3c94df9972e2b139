// SPDX-License-Identifier: MIT
// SHA-256 (FIPS 180-4) of a byte string, for the checksum of imported TorchScript encoders: the
// value `sha256sum enc.pt` prints, so a user can check the file a checkpoint refers to.
#pragma once

#include <string>
#include <string_view>

namespace geoinr::core::encoders
{

/** Lower-case hex SHA-256 of `bytes` (64 characters). */
std::string sha256Hex(std::string_view bytes);

} // namespace geoinr::core::encoders
