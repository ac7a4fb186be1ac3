// MD5 of a whole file with OpenSSL's libcrypto.
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "glint/fingerprint.h"
#include "util/posix_error.h"
#include "util/time.h"
#include "util/unique_fd.h"

namespace glint {
namespace {

// Large enough to amortise syscalls, small enough to stay in L2 while hashed.
constexpr size_t kChunk = 1 << 20;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

std::string to_hex(const unsigned char* digest, unsigned len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace

Result<std::string> md5_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return posix_error("open " + path, errno);
  posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1) {
    return Status(Code::kIOError, "cannot initialise MD5 (OpenSSL) to hash " + path);
  }
  std::vector<unsigned char> buf(kChunk);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return posix_error("read " + path, errno);
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  return to_hex(digest, len);
}

Result<FileIdentity> identify_file(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return posix_error("cannot open HDF5 file " + path, errno);
  if (S_ISDIR(st.st_mode)) {
    return Status(Code::kInvalidArgument, path + " is a directory, not an HDF5 file");
  }
  if (!S_ISREG(st.st_mode)) {
    return Status(Code::kInvalidArgument, path + " is not a regular file");
  }
  FileIdentity id;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  id.size = static_cast<uint64_t>(st.st_size);
  id.mtime_ns = to_ns(st.st_mtim);
  id.ctime_ns = to_ns(st.st_ctim);
  return id;
}

}  // namespace glint
