// SPDX-License-Identifier: MIT
#include "csv_parser.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

namespace geoinr::rasters::detail
{

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos)
    {
        return s;
    }
    std::string out = "\"";
    for (const char c : s)
    {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

char detectDelimiter(const std::string& headerLine)
{
    if (headerLine.find('\t') != std::string::npos)
    {
        return '\t';
    }
    if (headerLine.find(';') != std::string::npos && headerLine.find(',') == std::string::npos)
    {
        return ';';
    }
    return ',';
}

DelimitedReader::DelimitedReader(std::istream& in, std::string path, char delimiter)
    : m_in(in), m_path(std::move(path)), m_delimiter(delimiter)
{
    if (readLine(m_pending))
    {
        m_hasPending = true;
        const std::string bom = "\xEF\xBB\xBF";
        if (m_pending.compare(0, bom.size(), bom) == 0)
        {
            m_pending.erase(0, bom.size());
        }
    }
    if (m_delimiter == 0)
    {
        m_delimiter = detectDelimiter(m_pending);
    }
}

bool DelimitedReader::readLine(std::string& line)
{
    // Bounded: a file without line breaks must not be read into memory whole.
    m_buffer.resize(kMaxLineBytes + 2);
    m_in.getline(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    const auto count = static_cast<std::size_t>(m_in.gcount());
    if (m_in.fail() && !m_in.eof() && count + 1 >= m_buffer.size())
    {
        throw IoError(fmt::format("{}:{}: line longer than {} bytes; not a delimited text "
                                  "table?",
                                  m_path, m_linesRead + 1, kMaxLineBytes));
    }
    if (count == 0 && !m_in)
    {
        return false;
    }
    // gcount() includes the extracted newline, which getline does not store.
    const bool newline = count > 0 && !m_in.eof();
    line.assign(m_buffer.data(), newline ? count - 1 : count);
    m_in.clear(m_in.rdstate() & std::ios::eofbit);
    ++m_linesRead;
    if (!line.empty() && line.back() == '\r')
    {
        line.pop_back();
    }
    return true;
}

bool DelimitedReader::next(std::vector<std::string>& fields)
{
    std::string line;
    for (;;)
    {
        if (m_hasPending)
        {
            line = std::move(m_pending);
            m_hasPending = false;
        }
        else if (!readLine(line))
        {
            return false;
        }
        if (!line.empty())
        {
            break;
        }
    }
    m_recordLine = m_linesRead;
    fields.clear();
    if (m_delimiter == '\t')
    {
        splitTabbed(line, fields);
    }
    else
    {
        parseQuoted(std::move(line), fields);
    }
    return true;
}

void DelimitedReader::checkFieldCount(std::size_t count) const
{
    if (count > kMaxFields)
    {
        throw IoError(fmt::format("{}:{}: more than {} fields in a record", m_path, m_recordLine,
                                  kMaxFields));
    }
}

void DelimitedReader::splitTabbed(const std::string& line, std::vector<std::string>& fields) const
{
    std::size_t start = 0;
    for (;;)
    {
        const std::size_t end = line.find('\t', start);
        std::string field = line.substr(start, end == std::string::npos ? end : end - start);
        if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
        {
            std::string unquoted;
            for (std::size_t i = 1; i + 1 < field.size(); ++i)
            {
                unquoted += field[i];
                if (field[i] == '"' && field[i + 1] == '"' && i + 2 < field.size())
                {
                    ++i;
                }
            }
            field = std::move(unquoted);
        }
        checkFieldCount(fields.size() + 1);
        fields.push_back(std::move(field));
        if (end == std::string::npos)
        {
            return;
        }
        start = end + 1;
    }
}

void DelimitedReader::parseQuoted(std::string line, std::vector<std::string>& fields)
{
    std::string field;
    bool inQuotes = false;
    bool started = false; // the current field has content (a quote then is just a character)
    std::size_t i = 0;
    for (;;)
    {
        if (i == line.size())
        {
            if (!inQuotes)
            {
                fields.push_back(std::move(field));
                return;
            }
            // A quoted field continues on the next physical line.
            if (!readLine(line))
            {
                throw IoError(m_path + ":" + std::to_string(m_recordLine) +
                              ": quoted field is not closed before the end of the file");
            }
            field += '\n';
            if (field.size() > kMaxLineBytes)
            {
                throw IoError(fmt::format("{}:{}: quoted field longer than {} bytes (a quote "
                                          "that is never closed?)",
                                          m_path, m_recordLine, kMaxLineBytes));
            }
            i = 0;
            continue;
        }
        const char c = line[i++];
        if (inQuotes)
        {
            if (c != '"')
            {
                field += c;
            }
            else if (i < line.size() && line[i] == '"')
            {
                field += '"';
                ++i;
            }
            else
            {
                inQuotes = false;
            }
        }
        else if (c == m_delimiter)
        {
            checkFieldCount(fields.size() + 1);
            fields.push_back(std::move(field));
            field.clear();
            started = false;
        }
        else if (c == '"' && !started)
        {
            inQuotes = true;
            started = true;
        }
        else
        {
            field += c;
            started = true;
        }
    }
}

} // namespace geoinr::rasters::detail
