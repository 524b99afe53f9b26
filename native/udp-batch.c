/*
 * Batched UDP for the DNS server (Linux): recvmmsg/sendmmsg on a socket watched by
 * a uv_poll handle on Node's own event loop, one JavaScript call per batch.
 *
 * Why: with node:dgram every query costs one recvmsg, one sendmsg and one trip
 * into JavaScript (with its async-hooks and tick bookkeeping); that per-packet
 * floor was most of the server's CPU. Here up to BATCH datagrams arrive with one
 * system call, JavaScript answers all of them in one call, and the answers leave
 * with one system call.
 *
 * Shared memory: `packets` holds BATCH slots of SLOT bytes (the received
 * datagrams) and `meta` holds one META_BYTES record per slot:
 *   int32 length, int32 port, int32 family (4 or 6), int32 unused, 16 address bytes.
 * Int32 cell META_SEND_ERRORS (after the records) counts answers the kernel refused;
 * JavaScript reads and resets it.
 *
 * JavaScript owns the decisions: `onBatch(count)` fills `responses[i]` with a Buffer
 * to send back to the sender of datagram i, or undefined to send nothing.
 */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define BATCH 64
/* The largest UDP payload; a datagram is never cut short. */
#define SLOT 65536
#define META_BYTES 32
#define META_SEND_ERRORS (BATCH * META_BYTES / 4)
/* Batches per readiness event, so TCP and timers get their turn under a flood. */
#define MAX_ROUNDS 8

typedef struct {
  napi_env env;
  int fd;
  uv_poll_t* poll;
  napi_ref packets_ref;
  napi_ref meta_ref;
  napi_ref callback_ref;
  napi_ref responses_ref;
  napi_ref receiver_ref;
  napi_async_context async_context;
  unsigned char* packets;
  int32_t* meta;
  struct sockaddr_storage names[BATCH];
  struct mmsghdr in[BATCH];
  struct iovec in_iov[BATCH];
  struct mmsghdr out[BATCH];
  struct iovec out_iov[BATCH];
} batch_socket;

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, "ERR_MERIDIAN_UDP", "udp-batch: " #call); \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

static napi_value throw_errno(napi_env env, const char* what, int err) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, uv_strerror(-err));
  napi_throw_error(env, uv_err_name(-err), message);
  return NULL;
}

static void free_poll(uv_handle_t* handle) { free(handle); }

/* Stops watching and closes the socket; safe to call twice. */
static void stop_socket(batch_socket* s) {
  if (s->poll != NULL) {
    uv_poll_stop(s->poll);
    uv_close((uv_handle_t*)s->poll, free_poll);
    s->poll = NULL;
  }
  if (s->fd >= 0) {
    close(s->fd);
    s->fd = -1;
  }
}

static void delete_ref(napi_env env, napi_ref* ref) {
  if (*ref != NULL) {
    napi_delete_reference(env, *ref);
    *ref = NULL;
  }
}

static void release_callbacks(batch_socket* s) {
  delete_ref(s->env, &s->callback_ref);
  delete_ref(s->env, &s->responses_ref);
  delete_ref(s->env, &s->receiver_ref);
  if (s->async_context != NULL) {
    napi_async_destroy(s->env, s->async_context);
    s->async_context = NULL;
  }
}

static void finalize_socket(napi_env env, void* data, void* hint) {
  (void)hint;
  batch_socket* s = data;
  stop_socket(s);
  release_callbacks(s);
  delete_ref(env, &s->packets_ref);
  delete_ref(env, &s->meta_ref);
  free(s);
}

static void send_answers(batch_socket* s, int count) {
  napi_env env = s->env;
  napi_value responses;
  if (napi_get_reference_value(env, s->responses_ref, &responses) != napi_ok) return;
  int ready = 0;
  for (int i = 0; i < count; i++) {
    napi_value value;
    bool is_buffer = false;
    if (napi_get_element(env, responses, i, &value) != napi_ok) continue;
    if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) continue;
    void* data;
    size_t length;
    if (napi_get_buffer_info(env, value, &data, &length) != napi_ok) continue;
    s->out_iov[ready].iov_base = data;
    s->out_iov[ready].iov_len = length;
    struct msghdr* h = &s->out[ready].msg_hdr;
    memset(h, 0, sizeof *h);
    h->msg_name = &s->names[i];
    h->msg_namelen = s->in[i].msg_hdr.msg_namelen;
    h->msg_iov = &s->out_iov[ready];
    h->msg_iovlen = 1;
    ready++;
  }
  for (int sent = 0; sent < ready;) {
    int n = sendmmsg(s->fd, s->out + sent, ready - sent, MSG_DONTWAIT);
    if (n > 0) {
      sent += n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      /* The send buffer is full: these answers are lost, as a router would lose them. */
      s->meta[META_SEND_ERRORS] += ready - sent;
      return;
    }
    /* This one answer cannot go (a forged source address, say); the rest still can. */
    s->meta[META_SEND_ERRORS] += 1;
    sent++;
  }
}

static void record_meta(batch_socket* s, int count) {
  for (int i = 0; i < count; i++) {
    int32_t* m = s->meta + i * (META_BYTES / 4);
    unsigned char* address = (unsigned char*)(m + 4);
    m[0] = (int32_t)s->in[i].msg_len;
    if (s->names[i].ss_family == AF_INET6) {
      struct sockaddr_in6* a = (struct sockaddr_in6*)&s->names[i];
      m[1] = ntohs(a->sin6_port);
      m[2] = 6;
      memcpy(address, &a->sin6_addr, 16);
    } else {
      struct sockaddr_in* a = (struct sockaddr_in*)&s->names[i];
      m[1] = ntohs(a->sin_port);
      m[2] = 4;
      memcpy(address, &a->sin_addr, 4);
    }
  }
}

static int receive_batch(batch_socket* s) {
  for (int i = 0; i < BATCH; i++) {
    s->in_iov[i].iov_base = s->packets + (size_t)i * SLOT;
    s->in_iov[i].iov_len = SLOT;
    struct msghdr* h = &s->in[i].msg_hdr;
    memset(h, 0, sizeof *h);
    h->msg_name = &s->names[i];
    h->msg_namelen = sizeof s->names[i];
    h->msg_iov = &s->in_iov[i];
    h->msg_iovlen = 1;
  }
  int n;
  do n = recvmmsg(s->fd, s->in, BATCH, MSG_DONTWAIT, NULL);
  while (n < 0 && errno == EINTR);
  return n;
}

static void on_readable(uv_poll_t* poll, int status, int events) {
  (void)events;
  batch_socket* s = poll->data;
  if (status < 0) return;
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  for (int round = 0; round < MAX_ROUNDS && s->fd >= 0; round++) {
    int count = receive_batch(s);
    if (count <= 0) break;
    record_meta(s, count);
    napi_value receiver, callback, argument, result;
    if (napi_get_reference_value(env, s->receiver_ref, &receiver) != napi_ok ||
        napi_get_reference_value(env, s->callback_ref, &callback) != napi_ok ||
        napi_create_int32(env, count, &argument) != napi_ok)
      break;
    napi_status called = napi_make_callback(env, s->async_context, receiver, callback, 1, &argument, &result);
    if (called != napi_ok) {
      /* The handler never throws by contract; if it does, the process hears about it. */
      bool pending = false;
      napi_value error;
      if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
          napi_get_and_clear_last_exception(env, &error) == napi_ok)
        napi_fatal_exception(env, error);
      break;
    }
    if (s->fd < 0) break;
    send_answers(s, count);
    if (count < BATCH) break;
  }
  napi_close_handle_scope(env, scope);
}

/* The call's first `count` arguments into argv; the socket the first one wraps, or NULL. */
static batch_socket* socket_argument(napi_env env, napi_callback_info info, size_t count, napi_value* argv) {
  size_t argc = count;
  void* data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < count) return NULL;
  if (napi_unwrap(env, argv[0], &data) != napi_ok) return NULL;
  return data;
}

static int open_socket(const char* host, int port, bool reuse_port, struct sockaddr_storage* bound, socklen_t* bound_length) {
  struct sockaddr_storage address;
  memset(&address, 0, sizeof address);
  socklen_t length;
  int family;
  struct sockaddr_in6* a6 = (struct sockaddr_in6*)&address;
  struct sockaddr_in* a4 = (struct sockaddr_in*)&address;
  if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    family = AF_INET6;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(port);
    length = sizeof *a6;
  } else if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    family = AF_INET;
    a4->sin_family = AF_INET;
    a4->sin_port = htons(port);
    length = sizeof *a4;
  } else {
    errno = EINVAL;
    return -1;
  }
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int on = 1;
  /* So "[::]:53" and "0.0.0.0:53" can be listed side by side, as with node:dgram's ipv6Only. */
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0) goto fail;
  /* Several threads, one socket each on the same address: the kernel spreads senders over them. */
  if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) < 0) goto fail;
  if (bind(fd, (struct sockaddr*)&address, length) < 0) goto fail;
  *bound_length = sizeof *bound;
  if (getsockname(fd, (struct sockaddr*)bound, bound_length) < 0) goto fail;
  return fd;
fail: {
  int saved = errno;
  close(fd);
  errno = saved;
  return -1;
}
}

static void set_buffer(int fd, int option, int bytes) {
  /* Best effort: the kernel caps it at rmem_max/wmem_max, and defaults still work. */
  setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes);
}

static bool set_named(napi_env env, napi_value object, const char* name, napi_value value) {
  return napi_set_named_property(env, object, name, value) == napi_ok;
}

static bool set_int(napi_env env, napi_value object, const char* name, int32_t number) {
  napi_value value;
  return napi_create_int32(env, number, &value) == napi_ok && set_named(env, object, name, value);
}

/* open(host, port, socketBufferBytes, reusePort) -> { port, packets, meta, slotBytes, metaBytes, batch, sendErrorsCell } */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char host[64];
  size_t host_length;
  int32_t port, buffer_bytes;
  bool reuse_port;
  if (argc < 4 || napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_length) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok || napi_get_value_int32(env, argv[2], &buffer_bytes) != napi_ok ||
      napi_get_value_bool(env, argv[3], &reuse_port) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "open(host: string, port: number, socketBufferBytes: number, reusePort: boolean)");
    return NULL;
  }
  struct sockaddr_storage bound;
  socklen_t bound_length;
  int fd = open_socket(host, port, reuse_port, &bound, &bound_length);
  if (fd < 0) return throw_errno(env, "bind", errno);
  set_buffer(fd, SO_RCVBUF, buffer_bytes);
  set_buffer(fd, SO_SNDBUF, buffer_bytes);

  batch_socket* s = calloc(1, sizeof *s);
  if (s == NULL) {
    close(fd);
    return throw_errno(env, "calloc", ENOMEM);
  }
  s->env = env;
  s->fd = fd;
  napi_value object, packets, meta;
  if (napi_create_object(env, &object) != napi_ok || napi_wrap(env, object, s, finalize_socket, NULL, NULL) != napi_ok) {
    close(fd);
    free(s);
    napi_throw_error(env, "ERR_MERIDIAN_UDP", "udp-batch: cannot wrap the socket");
    return NULL;
  }
  CHECK(napi_create_arraybuffer(env, (size_t)BATCH * SLOT, (void**)&s->packets, &packets));
  CHECK(napi_create_arraybuffer(env, BATCH * META_BYTES + 4, (void**)&s->meta, &meta));
  CHECK(napi_create_reference(env, packets, 1, &s->packets_ref));
  CHECK(napi_create_reference(env, meta, 1, &s->meta_ref));
  int bound_port = bound.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6*)&bound)->sin6_port)
                                               : ntohs(((struct sockaddr_in*)&bound)->sin_port);
  bool described = set_named(env, object, "packets", packets) && set_named(env, object, "meta", meta) &&
                   set_int(env, object, "port", bound_port) && set_int(env, object, "slotBytes", SLOT) &&
                   set_int(env, object, "metaBytes", META_BYTES) && set_int(env, object, "batch", BATCH) &&
                   set_int(env, object, "sendErrorsCell", META_SEND_ERRORS);
  if (!described) {
    napi_throw_error(env, "ERR_MERIDIAN_UDP", "udp-batch: cannot describe the socket");
    return NULL;
  }
  return object;
}

/* start(socket, onBatch, responses): begin delivering batches. */
static napi_value js_start(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  batch_socket* s = socket_argument(env, info, 3, argv);
  if (s == NULL || s->fd < 0 || s->poll != NULL) {
    napi_throw_error(env, "ERR_MERIDIAN_UDP", "start(socket, onBatch, responses) needs an open socket not yet started");
    return NULL;
  }
  napi_value name;
  uv_loop_t* loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  CHECK(napi_create_string_utf8(env, "MeridianUdpBatch", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, argv[0], name, &s->async_context));
  CHECK(napi_create_reference(env, argv[0], 1, &s->receiver_ref));
  CHECK(napi_create_reference(env, argv[1], 1, &s->callback_ref));
  CHECK(napi_create_reference(env, argv[2], 1, &s->responses_ref));
  s->poll = malloc(sizeof *s->poll);
  if (s->poll == NULL) return throw_errno(env, "malloc", ENOMEM);
  int err = uv_poll_init(loop, s->poll, s->fd);
  if (err != 0) {
    free(s->poll);
    s->poll = NULL;
    return throw_errno(env, "uv_poll_init", -err);
  }
  s->poll->data = s;
  err = uv_poll_start(s->poll, UV_READABLE, on_readable);
  if (err != 0) {
    /* An initialised handle belongs to the loop until uv_close says otherwise. */
    uv_close((uv_handle_t*)s->poll, free_poll);
    s->poll = NULL;
    return throw_errno(env, "uv_poll_start", -err);
  }
  return NULL;
}

/* close(socket): stop and close; the callbacks are released so nothing keeps them alive. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  batch_socket* s = socket_argument(env, info, 1, argv);
  if (s != NULL) {
    stop_socket(s);
    release_callbacks(s);
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  CHECK(napi_create_function(env, "open", NAPI_AUTO_LENGTH, js_open, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "open", fn));
  CHECK(napi_create_function(env, "start", NAPI_AUTO_LENGTH, js_start, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "start", fn));
  CHECK(napi_create_function(env, "close", NAPI_AUTO_LENGTH, js_close, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "close", fn));
  return exports;
}
