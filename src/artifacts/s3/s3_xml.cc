#include "artifacts/s3/s3_xml.h"

#include <charconv>

#include <fmt/format.h>

namespace cairn::artifacts::s3 {
namespace {

// Decodes the five predefined entities and numeric references (&#NN;
// &#xNN;), which S3 uses in keys holding '&', '<' or control characters.
std::string DecodeEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    size_t semi = text.find(';', i);
    if (semi == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    std::string_view name = text.substr(i + 1, semi - i - 1);
    uint32_t code = 0;
    bool known = true;
    if (name == "amp") code = '&';
    else if (name == "lt") code = '<';
    else if (name == "gt") code = '>';
    else if (name == "quot") code = '"';
    else if (name == "apos") code = '\'';
    else if (name.size() > 1 && name[0] == '#') {
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string_view digits = name.substr(hex ? 2 : 1);
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      known = ec == std::errc() && ptr == digits.data() + digits.size();
    } else {
      known = false;
    }
    if (!known) {
      out += text.substr(i, semi - i + 1);
    } else if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
    i = semi;
  }
  return out;
}

// Every <tag>...</tag> body (raw) inside `xml`, in order. Self-closing
// <tag/> counts as an empty body.
std::vector<std::string_view> Elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string open = fmt::format("<{}", tag);
  const std::string close = fmt::format("</{}>", tag);
  size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    size_t name_end = pos + open.size();
    if (name_end >= xml.size()) break;
    char next = xml[name_end];
    if (next != '>' && next != ' ' && next != '/') {  // a longer tag name, e.g. <Prefix> vs <PrefixX>
      pos = name_end;
      continue;
    }
    size_t gt = xml.find('>', name_end);
    if (gt == std::string_view::npos) break;
    if (xml[gt - 1] == '/') {
      out.push_back(std::string_view());
      pos = gt + 1;
      continue;
    }
    size_t end = xml.find(close, gt + 1);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(gt + 1, end - gt - 1));
    pos = end + close.size();
  }
  return out;
}

}  // namespace

std::optional<std::string> FirstElementText(std::string_view xml, std::string_view tag) {
  auto found = Elements(xml, tag);
  if (found.empty()) return std::nullopt;
  return DecodeEntities(found.front());
}

std::optional<ListPage> ParseListObjectsV2(std::string_view xml) {
  auto root = Elements(xml, "ListBucketResult");
  if (root.empty()) return std::nullopt;
  std::string_view body = root.front();
  ListPage page;
  for (std::string_view contents : Elements(body, "Contents")) {
    ListedObject object;
    object.key = FirstElementText(contents, "Key").value_or("");
    std::string size = FirstElementText(contents, "Size").value_or("0");
    std::from_chars(size.data(), size.data() + size.size(), object.size);
    page.objects.push_back(std::move(object));
  }
  for (std::string_view common : Elements(body, "CommonPrefixes")) {
    if (auto prefix = FirstElementText(common, "Prefix")) page.common_prefixes.push_back(std::move(*prefix));
  }
  // Contents and CommonPrefixes hold their own <Key>/<Prefix>; the page-level
  // fields below appear only once at the top level.
  page.truncated = FirstElementText(body, "IsTruncated").value_or("false") == "true";
  page.next_continuation_token = FirstElementText(body, "NextContinuationToken").value_or("");
  return page;
}

std::optional<std::string> ParseUploadId(std::string_view xml) {
  auto id = FirstElementText(xml, "UploadId");
  if (!id || id->empty()) return std::nullopt;
  return id;
}

S3ErrorBody ParseS3Error(std::string_view xml) {
  S3ErrorBody error;
  auto root = Elements(xml, "Error");
  if (root.empty()) return error;
  error.code = FirstElementText(root.front(), "Code").value_or("");
  error.message = FirstElementText(root.front(), "Message").value_or("");
  return error;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string CompleteMultipartUploadXml(const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, XmlEscape(etags[i]));
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

}  // namespace cairn::artifacts::s3
