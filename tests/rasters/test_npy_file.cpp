// SPDX-License-Identifier: MIT
// The .npy reader against files NumPy wrote (tests/data/geo_prior, made by make_fixtures.py there):
// values equal what the script passed to NumPy; .npz members through /vsizip/; broken files give
// errors that name the file and the fault.
#include "temp_dir.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/npy_file.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace
{

using geoinr::rasters::NpyFile;
using geoinr::rasters::npyVsiPath;
using geoinr::rasters::readNpyDoubles;
using geoinr::rasters::readNpyInt64;

std::string fixture(const std::string& name)
{
    return std::string(GEOINR_TEST_FIXTURES) + "/geo_prior/" + name;
}

std::string readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

/** The IoError message reading `path` as doubles gives ("" and a failure when none). */
std::string readError(const std::string& path)
{
    try
    {
        readNpyDoubles(path);
    }
    catch (const geoinr::IoError& e)
    {
        return e.what();
    }
    ADD_FAILURE() << "no IoError reading " << path;
    return {};
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

TEST(NpyFile, Float32TwoByThree)
{
    const auto a = readNpyDoubles(fixture("f32_2x3.npy"));
    EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
    const std::vector<double> expected = {1.5,
                                          -2.25,
                                          static_cast<double>(0.1F),
                                          static_cast<double>(3e-8F),
                                          static_cast<double>(1e30F),
                                          -0.0};
    ASSERT_EQ(a.values.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
    {
        EXPECT_EQ(a.values[i], expected[i]) << i;
    }
    EXPECT_TRUE(std::signbit(a.values[5]));
}

TEST(NpyFile, Float64RowBlocks)
{
    NpyFile f(fixture("f64_3x2.npy"));
    EXPECT_EQ(f.dtype(), "<f8");
    EXPECT_EQ(f.rows(), 3);
    EXPECT_EQ(f.rowLength(), 2);
    std::vector<double> rows12(4);
    f.readRows(1, 2, rows12.data());
    EXPECT_EQ(rows12, (std::vector<double>{3.141592653589793, 2.5, 1e300, -7.0}));
    std::vector<double> row0(2);
    f.readRows(0, 1, row0.data());
    EXPECT_EQ(row0, (std::vector<double>{0.1, -1e-300}));
    EXPECT_THROW(f.readRows(2, 2, row0.data()), geoinr::InvalidArgument);
}

TEST(NpyFile, Int64KeepsValuesThatDoublesCannotHold)
{
    const auto a = readNpyInt64(fixture("i8_2x2.npy"));
    EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 2}));
    EXPECT_EQ(a.values,
              (std::vector<std::int64_t>{-5, 9007199254740993LL, 42, -4611686018427387904LL}));
}

TEST(NpyFile, VersionTwoHeaderInt32)
{
    NpyFile f(fixture("i4_v2.npy"));
    EXPECT_EQ(f.shape(), (std::vector<std::int64_t>{3}));
    EXPECT_EQ(f.rowLength(), 1);
    EXPECT_EQ(readNpyInt64(fixture("i4_v2.npy")).values,
              (std::vector<std::int64_t>{7, -3, 2147483647}));
}

TEST(NpyFile, BoolAndUnsigned)
{
    EXPECT_EQ(readNpyInt64(fixture("bool_3.npy")).values, (std::vector<std::int64_t>{1, 0, 1}));
    EXPECT_EQ(readNpyDoubles(fixture("u4_2x2.npy")).values,
              (std::vector<double>{0.0, 4294967295.0, 17.0, 1.0}));
}

TEST(NpyFile, FloatsReadAsIntegersMustBeIntegral)
{
    try
    {
        readNpyInt64(fixture("f64_3x2.npy"));
        FAIL() << "0.1 read as an integer";
    }
    catch (const geoinr::IoError& e)
    {
        EXPECT_TRUE(contains(e.what(), "f64_3x2.npy")) << e.what();
        EXPECT_TRUE(contains(e.what(), "[0, 0]")) << e.what();
        EXPECT_TRUE(contains(e.what(), "integer")) << e.what();
    }
}

TEST(NpyFile, NpzMembersThroughVsizip)
{
    const auto npz = fixture("preds.npz");
    const auto probs = readNpyDoubles("/vsizip/" + npz + "/probs.npy");
    EXPECT_EQ(probs.shape, (std::vector<std::int64_t>{2, 2}));
    EXPECT_EQ(probs.values, (std::vector<double>{0.25, 0.75, 0.5, 0.125}));
    EXPECT_EQ(readNpyInt64(npz + ":labels").values, (std::vector<std::int64_t>{1, 0}));
    EXPECT_TRUE(contains(readError(npz + ":missing"), "preds.npz:missing"));
}

TEST(NpyFile, NpzShortFormMapping)
{
    EXPECT_EQ(npyVsiPath("dir/preds.npz:probs"), "/vsizip/{dir/preds.npz}/probs.npy");
    EXPECT_EQ(npyVsiPath("/abs/preds.npz:inds.npy"), "/vsizip/{/abs/preds.npz}/inds.npy");
    EXPECT_EQ(npyVsiPath("/vsizip//abs/a.npz/probs.npy"), "/vsizip/{/abs/a.npz}/probs.npy");
    EXPECT_EQ(npyVsiPath("/vsizip/{a.npz}/probs.npy"), "/vsizip/{a.npz}/probs.npy");
    EXPECT_EQ(npyVsiPath("/vsizip/a.zip/probs.npy"), "/vsizip/a.zip/probs.npy");
    EXPECT_EQ(npyVsiPath("plain.npy"), "plain.npy");
    EXPECT_THROW(npyVsiPath("preds.npz"), geoinr::InvalidArgument);
}

TEST(NpyFile, TruncatedDataNamesTheFile)
{
    geoinr::test::TempDir dir;
    const auto bytes = readBytes(fixture("f64_3x2.npy"));
    const auto shortData = dir.file("short_data.npy");
    writeBytes(shortData, bytes.substr(0, bytes.size() - 5));
    const auto e1 = readError(shortData);
    EXPECT_TRUE(contains(e1, shortData)) << e1;
    EXPECT_TRUE(contains(e1, "truncated data")) << e1;
    EXPECT_TRUE(contains(e1, "48 bytes")) << e1; // 3 x 2 x 8
    const auto shortHeader = dir.file("short_header.npy");
    writeBytes(shortHeader, bytes.substr(0, 20));
    const auto e2 = readError(shortHeader);
    EXPECT_TRUE(contains(e2, shortHeader) && contains(e2, "truncated .npy header")) << e2;
}

TEST(NpyFile, BadMagicNamesTheFile)
{
    geoinr::test::TempDir dir;
    const auto path = dir.file("text.npy");
    writeBytes(path, "lon,lat\n1,2\n");
    const auto e = readError(path);
    EXPECT_TRUE(contains(e, path) && contains(e, "bad magic")) << e;
}

TEST(NpyFile, HeaderParseErrorNamesTheFile)
{
    geoinr::test::TempDir dir;
    const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }\n";
    const auto path = dir.file("bad_header.npy");
    std::string bytes = "\x93NUMPY\x01";
    bytes += '\0';
    bytes += static_cast<char>(header.size());
    bytes += '\0';
    writeBytes(path, bytes + header + std::string(16, '\0'));
    const auto e = readError(path);
    EXPECT_TRUE(contains(e, path) && contains(e, "header parse error")) << e;
}

TEST(NpyFile, RefusesWhatItCannotRead)
{
    const auto big = readError(fixture("big_endian.npy"));
    EXPECT_TRUE(contains(big, "big_endian.npy") && contains(big, "big-endian")) << big;
    const auto fortran = readError(fixture("fortran_2x3.npy"));
    EXPECT_TRUE(contains(fortran, "Fortran-order")) << fortran;
    const auto object = readError(fixture("object.npy"));
    EXPECT_TRUE(contains(object, "'|O'") && contains(object, "not supported")) << object;
    const auto missing = readError(fixture("does_not_exist.npy"));
    EXPECT_TRUE(contains(missing, "does_not_exist.npy") && contains(missing, "cannot open"))
        << missing;
}

} // namespace
