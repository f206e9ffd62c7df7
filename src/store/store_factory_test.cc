#include "store/store_factory.h"

#include <gtest/gtest.h>

namespace cairn::store {
namespace {

TEST(StoreFactoryTest, PicksTheBackendByScheme) {
  EXPECT_TRUE(IsPostgresUri("postgresql://u@h:5432/db"));
  EXPECT_TRUE(IsPostgresUri("postgres://u@h/db"));
  EXPECT_FALSE(IsPostgresUri("sqlite:///x.db"));
  EXPECT_FALSE(IsPostgresUri("mysql://u@h/db"));
  StoreOptions options;
  options.uri = "mysql://user:pw@h/db";
  auto opened = OpenStores(options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(opened.status().message().find("pw@"), std::string::npos) << opened.status().message();
}

TEST(StoreFactoryTest, RedactsOnlyThePassword) {
  EXPECT_EQ(RedactedUri("postgresql://cairn:s3cret@db:5432/cairn"), "postgresql://cairn:***@db:5432/cairn");
  EXPECT_EQ(RedactedUri("postgresql://cairn@db:5432/cairn?sslmode=require"),
            "postgresql://cairn@db:5432/cairn?sslmode=require");
  EXPECT_EQ(RedactedUri("postgresql://db/cairn"), "postgresql://db/cairn");
  EXPECT_EQ(RedactedUri("sqlite:///./cairn.db"), "sqlite:///./cairn.db");
}

TEST(StoreFactoryTest, UnreachablePostgresIsUnavailable) {
  StoreOptions options;
  options.uri = "postgresql://cairn:s3cret@127.0.0.1:1/cairn?connect_timeout=2";
  auto opened = OpenStores(options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(opened.status().message(), "Could not connect to the PostgreSQL database.");
}

}  // namespace
}  // namespace cairn::store
