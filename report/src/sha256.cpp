// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/report/sha256.h>

#include <QCryptographicHash>
#include <QFile>
#include <fmt/format.h>

namespace geoinr::report
{

std::string sha256Hex(std::string_view bytes)
{
    const auto digest = QCryptographicHash::hash(
        QByteArray::fromRawData(bytes.data(), static_cast<int>(bytes.size())),
        QCryptographicHash::Sha256);
    return digest.toHex().toStdString();
}

std::string sha256OfFile(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
    {
        throw IoError(fmt::format("{}: cannot open to compute its SHA-256 ({})", path,
                                  file.errorString().toStdString()));
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    // Chunks rather than addData(QIODevice*), so that a read error is reported, not hashed over.
    constexpr qint64 kChunk = 1 << 20;
    while (!file.atEnd())
    {
        const auto chunk = file.read(kChunk);
        if (chunk.isEmpty() && file.error() != QFileDevice::NoError)
        {
            throw IoError(fmt::format("{}: read failed while computing its SHA-256 ({})", path,
                                      file.errorString().toStdString()));
        }
        if (chunk.isEmpty())
        {
            break;
        }
        hash.addData(chunk);
    }
    return hash.result().toHex().toStdString();
}

} // namespace geoinr::report
