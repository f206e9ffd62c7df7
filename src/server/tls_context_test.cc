#include "server/tls_context.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

namespace cairn::server {
namespace {

namespace fs = std::filesystem;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

Pkey NewKey() { return Pkey(EVP_EC_gen("P-256")); }

// A self-signed certificate valid from now+from_s to now+to_s seconds.
Cert NewCert(EVP_PKEY* key, long from_s, long to_s) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), from_s);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), to_s);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_sign(cert.get(), key, EVP_sha256());
  return cert;
}

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cairn_tls_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteCert(const std::string& name, X509* cert) {
    std::string path = (dir_ / name).string();
    FILE* f = std::fopen(path.c_str(), "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
    return path;
  }
  std::string WriteKey(const std::string& name, EVP_PKEY* key, const char* passphrase = nullptr) {
    std::string path = (dir_ / name).string();
    FILE* f = std::fopen(path.c_str(), "w");
    if (passphrase == nullptr) {
      PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    } else {
      PEM_write_PrivateKey(f, key, EVP_aes_256_cbc(), reinterpret_cast<const unsigned char*>(passphrase),
                           static_cast<int>(std::string(passphrase).size()), nullptr, nullptr);
    }
    std::fclose(f);
    return path;
  }
  std::string WriteText(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  fs::path dir_;
};

// The startup error for `files`, or "" when the context was created.
std::string ErrorOf(const TlsFiles& files) {
  auto context = CreateServerTlsContext(files);
  if (context.ok()) return "";
  EXPECT_EQ(context.error().code(), StatusCode::kInvalidArgument) << context.error().ToString();
  return context.error().message();
}

TEST_F(TlsContextTest, AcceptsAMatchingValidPair) {
  Pkey key = NewKey();
  Cert cert = NewCert(key.get(), -60, 3600);
  EXPECT_EQ(ErrorOf({WriteCert("c.pem", cert.get()), WriteKey("k.pem", key.get())}), "");
}

TEST_F(TlsContextTest, NamesAMissingFile) {
  Pkey key = NewKey();
  Cert cert = NewCert(key.get(), -60, 3600);
  std::string cert_file = WriteCert("c.pem", cert.get());
  std::string missing = (dir_ / "nope.pem").string();
  std::string error = ErrorOf({missing, WriteKey("k.pem", key.get())});
  EXPECT_NE(error.find("--tls-cert '" + missing + "' cannot be read"), std::string::npos) << error;
  error = ErrorOf({cert_file, missing});
  EXPECT_NE(error.find("--tls-key '" + missing + "' cannot be read"), std::string::npos) << error;
}

TEST_F(TlsContextTest, RefusesFilesThatAreNotPem) {
  Pkey key = NewKey();
  Cert cert = NewCert(key.get(), -60, 3600);
  std::string garbage = WriteText("garbage.pem", "this is not a certificate\n\x01\x02");
  std::string error = ErrorOf({garbage, WriteKey("k.pem", key.get())});
  EXPECT_NE(error.find("is not a PEM certificate"), std::string::npos) << error;
  // The certificate given as the key, and the other way round.
  std::string cert_file = WriteCert("c.pem", cert.get());
  error = ErrorOf({cert_file, cert_file});
  EXPECT_NE(error.find("is not an unencrypted PEM private key"), std::string::npos) << error;
  error = ErrorOf({WriteKey("k2.pem", key.get()), cert_file});
  EXPECT_NE(error.find("is not a PEM certificate"), std::string::npos) << error;
  error = ErrorOf({WriteText("empty.pem", ""), WriteKey("k3.pem", key.get())});
  EXPECT_NE(error.find("is not a PEM certificate"), std::string::npos) << error;
}

TEST_F(TlsContextTest, RefusesAKeyOfAnotherCertificate) {
  Pkey key = NewKey();
  Pkey other = NewKey();
  Cert cert = NewCert(key.get(), -60, 3600);
  std::string error = ErrorOf({WriteCert("c.pem", cert.get()), WriteKey("other.pem", other.get())});
  EXPECT_NE(error.find("does not belong to the certificate"), std::string::npos) << error;
}

TEST_F(TlsContextTest, RefusesAnExpiredOrNotYetValidCertificate) {
  Pkey key = NewKey();
  std::string key_file = WriteKey("k.pem", key.get());
  Cert expired = NewCert(key.get(), -7200, -3600);
  std::string error = ErrorOf({WriteCert("expired.pem", expired.get()), key_file});
  EXPECT_NE(error.find("expired on 20"), std::string::npos) << error;
  EXPECT_NE(error.find("UTC"), std::string::npos) << error;
  Cert future = NewCert(key.get(), 3600, 7200);
  error = ErrorOf({WriteCert("future.pem", future.get()), key_file});
  EXPECT_NE(error.find("is not valid before"), std::string::npos) << error;
}

TEST_F(TlsContextTest, RefusesAnEncryptedKeyInsteadOfPromptingForItsPassphrase) {
  Pkey key = NewKey();
  Cert cert = NewCert(key.get(), -60, 3600);
  // With a terminal attached OpenSSL would block on a passphrase prompt here.
  std::string error = ErrorOf({WriteCert("c.pem", cert.get()), WriteKey("enc.pem", key.get(), "secret")});
  EXPECT_NE(error.find("is not an unencrypted PEM private key"), std::string::npos) << error;
}

}  // namespace
}  // namespace cairn::server
