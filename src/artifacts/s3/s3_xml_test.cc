#include "artifacts/s3/s3_xml.h"

#include <gtest/gtest.h>

namespace cairn::artifacts::s3 {
namespace {

TEST(S3XmlTest, ParsesAListingPageWithFilesDirectoriesAndAToken) {
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>artifacts</Name><Prefix>run/</Prefix><KeyCount>3</KeyCount><MaxKeys>2</MaxKeys>
  <Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
  <Contents><Key>run/a &amp; b.txt</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>
    <ETag>&quot;abc&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>run/empty</Key><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>run/model/</Prefix></CommonPrefixes>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";
  auto page = ParseListObjectsV2(xml);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "run/a & b.txt");
  EXPECT_EQ(page->objects[0].size, 12);
  EXPECT_EQ(page->objects[1].key, "run/empty");
  EXPECT_EQ(page->objects[1].size, 0);
  ASSERT_EQ(page->common_prefixes.size(), 1u);
  EXPECT_EQ(page->common_prefixes[0], "run/model/");
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3XmlTest, TheTopLevelPrefixIsNotACommonPrefix) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult><Prefix>x/</Prefix><IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(page.has_value());
  EXPECT_TRUE(page->objects.empty());
  EXPECT_TRUE(page->common_prefixes.empty());
  EXPECT_FALSE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "");
}

TEST(S3XmlTest, AnErrorIsNotAListing) {
  EXPECT_FALSE(ParseListObjectsV2("<Error><Code>NoSuchBucket</Code></Error>").has_value());
}

TEST(S3XmlTest, ParsesErrorsAndNumericEntities) {
  S3ErrorBody error = ParseS3Error(
      "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code>"
      "<Message>The request signature we calculated does not match &#x27;x&#39;</Message></Error>");
  EXPECT_EQ(error.code, "SignatureDoesNotMatch");
  EXPECT_EQ(error.message, "The request signature we calculated does not match 'x'");
  EXPECT_EQ(ParseS3Error("<html>bad gateway</html>").code, "");
  EXPECT_EQ(FirstElementText("<K>&#233;</K>", "K"), "\xC3\xA9");
}

TEST(S3XmlTest, ParsesTheUploadIdAndBuildsTheCompletionBody) {
  EXPECT_EQ(ParseUploadId("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                          "<UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>"),
            "VXBsb2FkIElE");
  EXPECT_FALSE(ParseUploadId("<InitiateMultipartUploadResult></InitiateMultipartUploadResult>").has_value());
  EXPECT_EQ(CompleteMultipartUploadXml({"\"e1\"", "\"e2\""}),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part></CompleteMultipartUpload>");
}

TEST(S3XmlTest, SelfClosingAndLongerTagNamesAreHandled) {
  EXPECT_EQ(FirstElementText("<PrefixX>no</PrefixX><Prefix/>", "Prefix"), "");
  EXPECT_EQ(FirstElementText("<Prefixes>no</Prefixes><Prefix>yes</Prefix>", "Prefix"), "yes");
}

}  // namespace
}  // namespace cairn::artifacts::s3
