// SPDX-License-Identifier: MIT
// GeoINR checkpoint container (torch-free): one file holding a JSON header that describes the model
// and a list of named tensors, with a checksum over everything. Readable from any language:
//
//   offset 0   8 bytes   magic "GEOINRCK"
//              u32 LE    format version (1)
//              u64 LE    header length H, then H bytes of UTF-8 JSON
//              u64 LE    tensor count T, then T records:
//                          u32 name length, name bytes, u8 dtype (0 f32, 1 f64, 2 i64, 3 u8),
//                          u32 ndim, ndim x u64 dims, u64 byte count, raw little-endian data
//              u64 LE    FNV-1a 64 checksum of every byte before it
//
// Written to "<path>.tmp-<pid>" and renamed, so a reader sees the old file or the new one.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::core
{

inline constexpr std::uint32_t kCheckpointFormatVersion = 1;

enum class TensorDtype : std::uint8_t
{
    Float32 = 0,
    Float64 = 1,
    Int64 = 2,
    UInt8 = 3
};

/** A tensor as plain bytes (row-major, little-endian). */
struct RawTensor
{
    std::string name;
    TensorDtype dtype = TensorDtype::Float32;
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> data;
};

struct CheckpointContents
{
    nlohmann::json header;
    std::vector<RawTensor> tensors;
};

/** Writes atomically; throws IoError naming the path. */
void writeCheckpointFile(const std::string& path, const CheckpointContents& contents);

/**
 * Reads and verifies a checkpoint. Throws CheckpointError saying what is wrong: not a GeoINR
 * checkpoint, unsupported version, truncated (with the offset), checksum mismatch, bad header JSON.
 * `headerOnly` skips the tensor data after verifying the checksum.
 */
CheckpointContents readCheckpointFile(const std::string& path, bool headerOnly = false);

/** FNV-1a 64 of a byte range, continuing from `hash` (start with the offset basis). */
std::uint64_t fnv1a64(const void* data, std::size_t size,
                      std::uint64_t hash = 0xcbf29ce484222325ULL);

} // namespace geoinr::core
