// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/npy_file.h>

#include <cpl_vsi.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>

namespace geoinr::rasters
{
namespace
{

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
/** A header longer than this is refused before allocating it (NumPy writes a few hundred bytes). */
constexpr std::uint32_t kMaxHeaderBytes = 1U << 20;
/** Bytes converted per read, so that a large row block needs no second full-size buffer. */
constexpr std::size_t kReadChunkBytes = std::size_t{8} << 20;

struct FileCloser
{
    void operator()(VSILFILE* f) const { VSIFCloseL(f); }
};

std::uint64_t littleEndian(const unsigned char* bytes, std::size_t size)
{
    std::uint64_t v = 0;
    for (std::size_t i = size; i-- > 0;)
    {
        v = (v << 8) | bytes[i];
    }
    return v;
}

/** The header is a Python dict literal; this parses the subset NumPy writes. */
class HeaderParser
{
  public:
    HeaderParser(const std::string& text, const std::string& path) : m_text(text), m_path(path) {}

    struct Result
    {
        std::string descr;
        bool fortranOrder = false;
        std::vector<std::int64_t> shape;
    };

    Result parse()
    {
        Result r;
        bool haveDescr = false, haveOrder = false, haveShape = false;
        expect('{');
        while (peek() != '}')
        {
            const auto key = quoted();
            expect(':');
            if (key == "descr")
            {
                if (peek() == '[')
                {
                    fail("structured dtypes (a list in 'descr') are not supported");
                }
                r.descr = quoted();
                haveDescr = true;
            }
            else if (key == "fortran_order")
            {
                r.fortranOrder = boolean();
                haveOrder = true;
            }
            else if (key == "shape")
            {
                r.shape = tuple();
                haveShape = true;
            }
            else
            {
                fail(fmt::format("unexpected key '{}'", key));
            }
            if (peek() == ',')
            {
                ++m_pos;
            }
        }
        if (!haveDescr || !haveOrder || !haveShape)
        {
            fail("expected the keys 'descr', 'fortran_order' and 'shape'");
        }
        return r;
    }

  private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw IoError(fmt::format("{}: .npy header parse error at character {}: {} (header: {})",
                                  m_path, m_pos, what, m_text));
    }
    char peek()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
        {
            ++m_pos;
        }
        if (m_pos >= m_text.size())
        {
            fail("unexpected end of header");
        }
        return m_text[m_pos];
    }
    void expect(char c)
    {
        if (peek() != c)
        {
            fail(fmt::format("expected '{}'", c));
        }
        ++m_pos;
    }
    std::string quoted()
    {
        const char q = peek();
        if (q != '\'' && q != '"')
        {
            fail("expected a quoted string");
        }
        const auto end = m_text.find(q, m_pos + 1);
        if (end == std::string::npos)
        {
            fail("unterminated string");
        }
        auto s = m_text.substr(m_pos + 1, end - m_pos - 1);
        m_pos = end + 1;
        return s;
    }
    bool boolean()
    {
        peek();
        for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}})
        {
            const std::size_t n = std::strlen(word);
            if (m_text.compare(m_pos, n, word) == 0)
            {
                m_pos += n;
                return value;
            }
        }
        fail("expected True or False");
    }
    std::vector<std::int64_t> tuple()
    {
        std::vector<std::int64_t> dims;
        expect('(');
        while (peek() != ')')
        {
            std::int64_t v = 0;
            std::size_t digits = 0;
            while (m_pos < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[m_pos])))
            {
                if (v > (std::numeric_limits<std::int64_t>::max() - 9) / 10)
                {
                    fail("dimension too large");
                }
                v = v * 10 + (m_text[m_pos++] - '0');
                ++digits;
            }
            if (digits == 0)
            {
                fail("expected a non-negative integer dimension");
            }
            if (m_pos < m_text.size() && m_text[m_pos] == 'L') // Python 2 long suffix
            {
                ++m_pos;
            }
            dims.push_back(v);
            if (peek() == ',')
            {
                ++m_pos;
            }
            else if (peek() != ')')
            {
                fail("expected ',' or ')' in the shape");
            }
        }
        ++m_pos;
        return dims;
    }

    const std::string& m_text;
    const std::string& m_path;
    std::size_t m_pos = 0;
};

enum class Kind
{
    Float,
    Signed,
    Unsigned,
    Bool
};

} // namespace

struct NpyFile::Impl
{
    std::string path;    ///< as given, for messages
    std::string vsiPath; ///< what GDAL opens
    std::unique_ptr<VSILFILE, FileCloser> file;
    std::vector<std::int64_t> shape;
    std::string dtype;
    Kind kind = Kind::Float;
    std::size_t itemSize = 0;
    std::uint64_t dataOffset = 0;
    std::int64_t rows = 1;
    std::int64_t rowLength = 1;

    [[noreturn]] void fail(const std::string& what) const
    {
        throw IoError(fmt::format("{}: {}", path, what));
    }

    void readHeader()
    {
        unsigned char prefix[kMagicSize + 2];
        if (VSIFReadL(prefix, 1, sizeof prefix, file.get()) != sizeof prefix ||
            std::memcmp(prefix, kMagic, kMagicSize) != 0)
        {
            fail("bad magic: not a NumPy .npy file (expected the bytes \\x93NUMPY)");
        }
        const int major = prefix[kMagicSize];
        if (major < 1 || major > 3)
        {
            fail(fmt::format(".npy format version {}.{} is not supported (1.0, 2.0, 3.0 are)",
                             major, prefix[kMagicSize + 1]));
        }
        const std::size_t lengthBytes = major == 1 ? 2 : 4;
        unsigned char lengthField[4];
        if (VSIFReadL(lengthField, 1, lengthBytes, file.get()) != lengthBytes)
        {
            fail("truncated .npy header");
        }
        const auto headerLength = littleEndian(lengthField, lengthBytes);
        if (headerLength > kMaxHeaderBytes)
        {
            fail(fmt::format(".npy header of {} bytes is implausibly long", headerLength));
        }
        std::string header(static_cast<std::size_t>(headerLength), '\0');
        if (VSIFReadL(header.data(), 1, header.size(), file.get()) != header.size())
        {
            fail("truncated .npy header");
        }
        dataOffset = kMagicSize + 2 + lengthBytes + headerLength;
        const auto parsed = HeaderParser(header, path).parse();
        shape = parsed.shape;
        dtype = parsed.descr;
        parseDtype();
        computeSizes(parsed.fortranOrder);
    }

    void parseDtype()
    {
        if (dtype.size() < 3)
        {
            fail(fmt::format("dtype '{}' is not supported", dtype));
        }
        const char order = dtype[0], code = dtype[1];
        const auto digits = dtype.substr(2);
        if (digits.find_first_not_of("0123456789") != std::string::npos)
        {
            fail(fmt::format("dtype '{}' is not supported", dtype));
        }
        itemSize = static_cast<std::size_t>(std::stoul(digits));
        if (order == '>' && itemSize > 1)
        {
            fail(fmt::format("big-endian dtype '{}' is not supported; convert with "
                             "a.astype(a.dtype.newbyteorder('<'))",
                             dtype));
        }
        if (order != '<' && order != '|' && order != '>')
        {
            fail(fmt::format("dtype '{}' has an unsupported byte order", dtype));
        }
        const bool sizeOk = (code == 'f' && (itemSize == 4 || itemSize == 8)) ||
                            ((code == 'i' || code == 'u') &&
                             (itemSize == 1 || itemSize == 2 || itemSize == 4 || itemSize == 8)) ||
                            (code == 'b' && itemSize == 1);
        if (!sizeOk)
        {
            fail(fmt::format("dtype '{}' is not supported (float32/64, (u)int8..64 and bool are; "
                             "object, string and complex arrays are not)",
                             dtype));
        }
        kind = code == 'f'   ? Kind::Float
               : code == 'i' ? Kind::Signed
               : code == 'u' ? Kind::Unsigned
                             : Kind::Bool;
    }

    void computeSizes(bool fortranOrder)
    {
        std::int64_t total = 1, nonTrivial = 0;
        for (const auto d : shape)
        {
            if (d != 0 && total > std::numeric_limits<std::int64_t>::max() / d /
                                      static_cast<std::int64_t>(itemSize))
            {
                fail("the shape's byte size overflows");
            }
            total *= d;
            nonTrivial += d > 1 ? 1 : 0;
        }
        if (fortranOrder && nonTrivial > 1)
        {
            fail("Fortran-order arrays are not supported; save np.ascontiguousarray(a) instead");
        }
        rows = shape.empty() ? 1 : shape[0];
        rowLength = 1;
        for (std::size_t i = 1; i < shape.size(); ++i)
        {
            rowLength *= shape[i];
        }
        const auto needed = static_cast<std::uint64_t>(total) * itemSize;
        VSIStatBufL st;
        if (VSIStatL(vsiPath.c_str(), &st) == 0 &&
            static_cast<std::uint64_t>(st.st_size) < dataOffset + needed)
        {
            fail(fmt::format("truncated data: shape ({}) of {} needs {} bytes after the {}-byte "
                             "header, the file has {}",
                             fmt::join(shape, ", "), dtype, needed, dataOffset,
                             static_cast<std::uint64_t>(st.st_size) > dataOffset
                                 ? static_cast<std::uint64_t>(st.st_size) - dataOffset
                                 : 0));
        }
    }

    /** Calls convert(bytes of one element, flat element index) for rows [first, first+count). */
    template <typename F> void forEachElement(std::int64_t first, std::int64_t count, F&& convert)
    {
        if (first < 0 || count < 0 || first + count > rows)
        {
            throw InvalidArgument(fmt::format("{}: rows [{}, {}) outside the array's {} rows", path,
                                              first, first + count, rows));
        }
        const auto elements = static_cast<std::size_t>(count * rowLength);
        const auto offset =
            dataOffset + static_cast<std::uint64_t>(first * rowLength) * std::uint64_t{itemSize};
        if (VSIFSeekL(file.get(), offset, SEEK_SET) != 0)
        {
            fail(fmt::format("cannot seek to byte {}", offset));
        }
        const std::size_t perChunk = std::max<std::size_t>(1, kReadChunkBytes / itemSize);
        std::vector<unsigned char> buffer(std::min(elements, perChunk) * itemSize);
        for (std::size_t done = 0; done < elements;)
        {
            const std::size_t n = std::min(perChunk, elements - done);
            if (VSIFReadL(buffer.data(), itemSize, n, file.get()) != n)
            {
                fail(fmt::format("truncated data: cannot read elements {}..{} of rows [{}, {})",
                                 done, done + n, first, first + count));
            }
            for (std::size_t i = 0; i < n; ++i)
            {
                convert(buffer.data() + i * itemSize, done + i);
            }
            done += n;
        }
    }

    double toDouble(const unsigned char* bytes) const
    {
        const auto bits = littleEndian(bytes, itemSize);
        switch (kind)
        {
        case Kind::Float:
            if (itemSize == 4)
            {
                float f;
                const auto b32 = static_cast<std::uint32_t>(bits);
                std::memcpy(&f, &b32, 4);
                return f;
            }
            else
            {
                double d;
                std::memcpy(&d, &bits, 8);
                return d;
            }
        case Kind::Signed:
            return static_cast<double>(signExtend(bits));
        case Kind::Unsigned:
        case Kind::Bool:
            return static_cast<double>(bits);
        }
        return 0.0;
    }

    std::int64_t signExtend(std::uint64_t bits) const
    {
        const unsigned shift = static_cast<unsigned>(64 - 8 * itemSize);
        return static_cast<std::int64_t>(bits << shift) >> shift;
    }

    std::int64_t toInt(const unsigned char* bytes, std::size_t index, std::int64_t first) const
    {
        const auto bits = littleEndian(bytes, itemSize);
        if (kind == Kind::Signed)
        {
            return signExtend(bits);
        }
        if (kind != Kind::Float)
        {
            if (bits > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            {
                fail(fmt::format("element {} ({}) does not fit an int64", elementName(index, first),
                                 bits));
            }
            return static_cast<std::int64_t>(bits);
        }
        const double v = toDouble(bytes);
        // 2^63 is exactly representable; values below it convert without overflow.
        if (!(std::floor(v) == v && v >= -9.223372036854775808e18 && v < 9.223372036854775808e18))
        {
            fail(fmt::format("element {} is {}, expected an integer value",
                             elementName(index, first), v));
        }
        return static_cast<std::int64_t>(v);
    }

    std::string elementName(std::size_t index, std::int64_t first) const
    {
        const auto row = first + static_cast<std::int64_t>(index) / rowLength;
        return rowLength == 1
                   ? fmt::format("[{}]", row)
                   : fmt::format("[{}, {}]", row, static_cast<std::int64_t>(index) % rowLength);
    }
};

std::string npyVsiPath(const std::string& path)
{
    // GDAL's /vsizip/ recognises archives by extension (.zip, .kmz, ...), not .npz: the archive
    // part goes in braces ("/vsizip/{a.npz}/probs.npy"), which GDAL accepts for any name.
    const std::string zip = "/vsizip/";
    if (path.compare(0, zip.size(), zip) == 0)
    {
        const auto npz = path.find(".npz/", zip.size());
        if (path.compare(zip.size(), 1, "{") == 0 || npz == std::string::npos)
        {
            return path;
        }
        return zip + "{" + path.substr(zip.size(), npz + 4 - zip.size()) + "}" +
               path.substr(npz + 4);
    }
    const auto pos = path.rfind(".npz");
    if (pos == std::string::npos)
    {
        return path;
    }
    const auto rest = path.substr(pos + 4);
    if (rest.empty())
    {
        throw InvalidArgument(
            fmt::format("{}: name an array of the archive, e.g. {}:probs", path, path));
    }
    if (rest[0] != ':' || rest.size() == 1)
    {
        return path; // ".npz" inside a longer name
    }
    auto member = rest.substr(1);
    if (member.size() < 4 || member.compare(member.size() - 4, 4, ".npy") != 0)
    {
        member += ".npy";
    }
    return zip + "{" + path.substr(0, pos + 4) + "}/" + member;
}

NpyFile::NpyFile(const std::string& path) : m_impl(std::make_unique<Impl>())
{
    ensureGdalRegistered();
    m_impl->path = path;
    const auto vsiPath = npyVsiPath(path);
    m_impl->file.reset(VSIFOpenL(vsiPath.c_str(), "rb"));
    if (!m_impl->file)
    {
        throw IoError(fmt::format("{}: cannot open{}", path,
                                  vsiPath != path ? fmt::format(" (as {})", vsiPath) : ""));
    }
    m_impl->vsiPath = vsiPath;
    m_impl->readHeader();
}

NpyFile::~NpyFile() = default;

const std::string& NpyFile::path() const
{
    return m_impl->path;
}

const std::vector<std::int64_t>& NpyFile::shape() const
{
    return m_impl->shape;
}

const std::string& NpyFile::dtype() const
{
    return m_impl->dtype;
}

std::int64_t NpyFile::rows() const
{
    return m_impl->rows;
}

std::int64_t NpyFile::rowLength() const
{
    return m_impl->rowLength;
}

void NpyFile::readRows(std::int64_t first, std::int64_t count, double* out)
{
    m_impl->forEachElement(first, count,
                           [&](const unsigned char* bytes, std::size_t i)
                           { out[i] = m_impl->toDouble(bytes); });
}

void NpyFile::readRows(std::int64_t first, std::int64_t count, std::int64_t* out)
{
    m_impl->forEachElement(first, count,
                           [&](const unsigned char* bytes, std::size_t i)
                           { out[i] = m_impl->toInt(bytes, i, first); });
}

namespace
{

template <typename T> NpyArray<T> readWhole(const std::string& path)
{
    NpyFile file(path);
    NpyArray<T> a;
    a.shape = file.shape();
    a.values.resize(static_cast<std::size_t>(file.rows() * file.rowLength()));
    file.readRows(0, file.rows(), a.values.data());
    return a;
}

} // namespace

NpyArray<double> readNpyDoubles(const std::string& path)
{
    return readWhole<double>(path);
}

NpyArray<std::int64_t> readNpyInt64(const std::string& path)
{
    return readWhole<std::int64_t>(path);
}

} // namespace geoinr::rasters
