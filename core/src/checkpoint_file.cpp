// SPDX-License-Identifier: MIT
// Binary checkpoint container: writing (atomic) and verified reading.
#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace geoinr::core
{
namespace
{

constexpr char kMagic[8] = {'G', 'E', 'O', 'I', 'N', 'R', 'C', 'K'};
// Limits that refuse hostile files before allocating (a header claiming 10^9 tensors, say).
constexpr std::uint64_t kMaxHeaderBytes = 64ULL << 20;
constexpr std::uint64_t kMaxTensors = 1ULL << 20;
constexpr std::uint32_t kMaxNameBytes = 4096;
constexpr std::uint32_t kMaxDims = 8;

std::size_t dtypeSize(TensorDtype d)
{
    switch (d)
    {
    case TensorDtype::Float32:
        return 4;
    case TensorDtype::Float64:
    case TensorDtype::Int64:
        return 8;
    case TensorDtype::UInt8:
        return 1;
    }
    return 0;
}

class Writer
{
  public:
    void bytes(const void* p, std::size_t n)
    {
        const auto* b = static_cast<const std::uint8_t*>(p);
        m_buf.insert(m_buf.end(), b, b + n);
    }
    template <typename T>
    void scalar(T v) // the formats are little-endian; so is every platform we build on
    {
        bytes(&v, sizeof(T));
    }
    std::vector<std::uint8_t>& buffer() { return m_buf; }

  private:
    std::vector<std::uint8_t> m_buf;
};

class Reader
{
  public:
    Reader(const std::vector<std::uint8_t>& buf, std::string path)
        : m_buf(buf), m_path(std::move(path))
    {
    }
    void bytes(void* out, std::size_t n, const char* what)
    {
        need(n, what);
        std::memcpy(out, m_buf.data() + m_pos, n);
        m_pos += n;
    }
    template <typename T> T scalar(const char* what)
    {
        T v{};
        bytes(&v, sizeof(T), what);
        return v;
    }
    void need(std::uint64_t n, const char* what) const
    {
        if (n > m_buf.size() - m_pos)
        {
            throw CheckpointError(fmt::format(
                "{}: truncated checkpoint: {} needs {} bytes at offset {} but the file has {} left",
                m_path, what, n, m_pos, m_buf.size() - m_pos));
        }
    }
    std::size_t position() const { return m_pos; }
    void skip(std::uint64_t n, const char* what)
    {
        need(n, what);
        m_pos += n;
    }

  private:
    const std::vector<std::uint8_t>& m_buf;
    std::string m_path;
    std::size_t m_pos = 0;
};

} // namespace

std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t hash)
{
    const auto* p = static_cast<const std::uint8_t*>(data);
    for (std::size_t i = 0; i < size; ++i)
    {
        hash ^= p[i];
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

void writeCheckpointFile(const std::string& path, const CheckpointContents& contents)
{
    Writer w;
    w.bytes(kMagic, sizeof(kMagic));
    w.scalar<std::uint32_t>(kCheckpointFormatVersion);
    const auto header = contents.header.dump();
    w.scalar<std::uint64_t>(header.size());
    w.bytes(header.data(), header.size());
    w.scalar<std::uint64_t>(contents.tensors.size());
    for (const auto& t : contents.tensors)
    {
        std::size_t count = 1;
        for (auto d : t.shape)
        {
            count *= static_cast<std::size_t>(d);
        }
        if (count * dtypeSize(t.dtype) != t.data.size())
        {
            throw IoError(fmt::format("{}: tensor '{}' has {} bytes, shape needs {}", path, t.name,
                                      t.data.size(), count * dtypeSize(t.dtype)));
        }
        w.scalar<std::uint32_t>(static_cast<std::uint32_t>(t.name.size()));
        w.bytes(t.name.data(), t.name.size());
        w.scalar<std::uint8_t>(static_cast<std::uint8_t>(t.dtype));
        w.scalar<std::uint32_t>(static_cast<std::uint32_t>(t.shape.size()));
        for (auto d : t.shape)
        {
            w.scalar<std::uint64_t>(static_cast<std::uint64_t>(d));
        }
        w.scalar<std::uint64_t>(t.data.size());
        w.bytes(t.data.data(), t.data.size());
    }
    w.scalar<std::uint64_t>(fnv1a64(w.buffer().data(), w.buffer().size()));

    const auto tmp = fmt::format("{}.tmp-{}", path, getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(w.buffer().data()),
                  static_cast<std::streamsize>(w.buffer().size()));
        out.flush();
        if (!out)
        {
            out.close();
            std::remove(tmp.c_str());
            throw IoError(
                fmt::format("{}: cannot write checkpoint (disk full or no permission?)", path));
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
    {
        std::remove(tmp.c_str());
        throw IoError(fmt::format("{}: cannot move checkpoint into place: {}", path, ec.message()));
    }
}

CheckpointContents readCheckpointFile(const std::string& path, bool headerOnly)
{
    // Only regular files: a descriptor naming /dev/zero or a FIFO must not read forever.
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    {
        throw IoError(fmt::format("{}: not a regular file (expected a checkpoint file)", path));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw IoError(fmt::format("{}: cannot open checkpoint: {}", path, std::strerror(errno)));
    }
    const std::vector<std::uint8_t> buf((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
    if (buf.size() < sizeof(kMagic) || std::memcmp(buf.data(), kMagic, sizeof(kMagic)) != 0)
    {
        throw CheckpointError(fmt::format(
            "{}: not a GeoINR checkpoint (expected the magic bytes GEOINRCK at the start)", path));
    }
    Reader r(buf, path);
    r.skip(sizeof(kMagic), "magic");
    const auto version = r.scalar<std::uint32_t>("format version");
    if (version != kCheckpointFormatVersion)
    {
        throw CheckpointError(fmt::format(
            "{}: checkpoint format version {} is not supported (this GeoINR reads version {})",
            path, version, kCheckpointFormatVersion));
    }
    if (buf.size() < r.position() + 8)
    {
        r.need(buf.size() + 8, "checksum");
    }
    // Verify the checksum before trusting any length field.
    std::uint64_t stored = 0;
    std::memcpy(&stored, buf.data() + buf.size() - 8, 8);
    if (fnv1a64(buf.data(), buf.size() - 8) != stored)
    {
        throw CheckpointError(
            fmt::format("{}: checksum mismatch: the file is corrupt or truncated ({} bytes)", path,
                        buf.size()));
    }
    CheckpointContents out;
    const auto headerLen = r.scalar<std::uint64_t>("header length");
    if (headerLen > kMaxHeaderBytes)
    {
        throw CheckpointError(fmt::format("{}: header of {} bytes exceeds the {} byte limit", path,
                                          headerLen, kMaxHeaderBytes));
    }
    r.need(headerLen, "header");
    std::string header(headerLen, '\0');
    r.bytes(header.data(), headerLen, "header");
    try
    {
        out.header = nlohmann::json::parse(header);
    }
    catch (const nlohmann::json::exception& e)
    {
        throw CheckpointError(fmt::format("{}: header is not valid JSON: {}", path, e.what()));
    }
    if (headerOnly)
    {
        return out;
    }
    const auto count = r.scalar<std::uint64_t>("tensor count");
    if (count > kMaxTensors)
    {
        throw CheckpointError(
            fmt::format("{}: {} tensors exceeds the limit of {}", path, count, kMaxTensors));
    }
    for (std::uint64_t i = 0; i < count; ++i)
    {
        RawTensor t;
        const auto nameLen = r.scalar<std::uint32_t>("tensor name length");
        if (nameLen > kMaxNameBytes)
        {
            throw CheckpointError(fmt::format("{}: tensor {} name of {} bytes", path, i, nameLen));
        }
        t.name.resize(nameLen);
        r.bytes(t.name.data(), nameLen, "tensor name");
        const auto dtype = r.scalar<std::uint8_t>("tensor dtype");
        if (dtype > 3)
        {
            throw CheckpointError(
                fmt::format("{}: tensor '{}' has unknown dtype code {}", path, t.name, dtype));
        }
        t.dtype = static_cast<TensorDtype>(dtype);
        const auto ndim = r.scalar<std::uint32_t>("tensor rank");
        if (ndim > kMaxDims)
        {
            throw CheckpointError(fmt::format("{}: tensor '{}' has rank {}", path, t.name, ndim));
        }
        std::uint64_t elements = 1;
        for (std::uint32_t d = 0; d < ndim; ++d)
        {
            const auto dim = r.scalar<std::uint64_t>("tensor dimension");
            // A product that overflows would let a tiny payload claim a huge shape.
            if (dim > (std::uint64_t{1} << 40) || __builtin_mul_overflow(elements, dim, &elements))
            {
                throw CheckpointError(fmt::format("{}: tensor '{}' has an impossible dimension {}",
                                                  path, t.name, dim));
            }
            t.shape.push_back(static_cast<std::int64_t>(dim));
        }
        const auto nbytes = r.scalar<std::uint64_t>("tensor byte count");
        if (elements > (std::uint64_t{1} << 60) || nbytes != elements * dtypeSize(t.dtype))
        {
            throw CheckpointError(fmt::format("{}: tensor '{}' claims {} bytes for {} elements",
                                              path, t.name, nbytes, elements));
        }
        r.need(nbytes, "tensor data");
        t.data.resize(nbytes);
        r.bytes(t.data.data(), nbytes, "tensor data");
        out.tensors.push_back(std::move(t));
    }
    if (r.position() != buf.size() - 8)
    {
        throw CheckpointError(fmt::format("{}: {} unexpected bytes before the checksum", path,
                                          buf.size() - 8 - r.position()));
    }
    return out;
}

} // namespace geoinr::core
