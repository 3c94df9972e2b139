// SPDX-License-Identifier: MIT
#include "csv_parser.h"

#include <geoinr/core/error.h>

namespace geoinr::rasters::detail
{

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
    if (!std::getline(m_in, line))
    {
        return false;
    }
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
