// SPDX-License-Identifier: MIT
// Private: a streaming reader of delimited text records with 1-based line numbers.
// ',' and ';' follow RFC 4180 (quoted fields may hold delimiters, "" and line breaks);
// tab-separated files are split per physical line, a field wholly in quotes losing its quotes
// (GBIF "simple" downloads are not RFC 4180: a lone quote inside a field is just a character).
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

namespace geoinr::rasters::detail
{

/** One CSV field as written by the writers here: quoted (quotes doubled) only when needed. */
std::string csvField(const std::string& s);

/** The delimiter rule: tab if `headerLine` has one, else ';' if it has ';' and no ',', else ','. */
char detectDelimiter(const std::string& headerLine);

/** Limits that keep a hostile or broken file from exhausting memory before it is refused. */
constexpr std::size_t kMaxLineBytes = 1 << 20; ///< one physical line (and one quoted record)
constexpr std::size_t kMaxFields = 10000;      ///< fields of a record (the header included)

class DelimitedReader
{
  public:
    /** `delimiter` 0 = detect from the first line. `path` is used in error messages only. */
    DelimitedReader(std::istream& in, std::string path, char delimiter = 0);

    char delimiter() const { return m_delimiter; }

    /** Next non-blank record; false at the end. Throws IoError (file:line) on an unterminated
     *  quote, a line or record over kMaxLineBytes, or more than kMaxFields fields. */
    bool next(std::vector<std::string>& fields);

    /** Line (1-based) on which the last record returned by next() starts. */
    std::size_t line() const { return m_recordLine; }

  private:
    bool readLine(std::string& line);
    void splitTabbed(const std::string& line, std::vector<std::string>& fields) const;
    void parseQuoted(std::string line, std::vector<std::string>& fields);
    void checkFieldCount(std::size_t count) const;

    std::istream& m_in;
    std::string m_path;
    char m_delimiter = ',';
    std::size_t m_linesRead = 0;
    std::size_t m_recordLine = 0;
    bool m_hasPending = false;
    std::string m_pending;
    std::vector<char> m_buffer; ///< kMaxLineBytes + 1, for bounded reads
};

} // namespace geoinr::rasters::detail
