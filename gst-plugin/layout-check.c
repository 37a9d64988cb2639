/* layout-check.c: prints the layout table of a built libgstovgst.so and checks it.
 *
 *   layout-check PATH/libgstovgst.so
 *
 * Loads the library as the Java side does (dlopen + the exported symbols), prints
 * "name value" for every entry, and checks: every listed name resolves, unknown names
 * give -1, and on x86_64 some values measured before (docs: field notes) still hold.
 * Exit status 0 when all checks pass. Run by gst-plugin/build.sh --check.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef long (*LayoutFn) (const char *);
typedef const char *(*NamesFn) (void);

int
main (int argc, char **argv)
{
  static const struct { const char *name; long value; } expected[] = {
    { "GObjectClass.set_property", 24 }, { "GObjectClass.get_property", 32 },
    { "GObjectClass.finalize", 48 }, { "GstElementClass.change_state", 272 },
    { "GstBuffer.pts", 72 }, { "GstBuffer.offset", 96 },
    { "GstMessage.type", 64 }, { "GstMessage.src", 80 }, { "GError.message", 8 },
    { "sizeof GTypeInfo", 72 }, { "sizeof GstAppSinkCallbacks", 56 },
    { "GST_QUERY_CAPS", (170 << 8) | 3 }, { "GST_EVENT_EOS", (110 << 8) | 2 | 4 | 8 },
  };
  void *lib;
  LayoutFn layout;
  NamesFn names;
  const char *p;
  char name[256];
  int failures = 0, count = 0;
  size_t i;

  if (argc != 2) {
    fprintf (stderr, "usage: %s PATH/libgstovgst.so\n", argv[0]);
    return 2;
  }
  lib = dlopen (argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf (stderr, "layout-check: %s\n", dlerror ());
    return 1;
  }
  layout = (LayoutFn) dlsym (lib, "ovgst_layout");
  names = (NamesFn) dlsym (lib, "ovgst_layout_names");
  if (layout == NULL || names == NULL) {
    fprintf (stderr, "layout-check: %s does not export ovgst_layout/ovgst_layout_names\n", argv[1]);
    return 1;
  }
  for (p = names (); *p != '\0';) {
    const char *nl = strchr (p, '\n');
    size_t n = nl ? (size_t) (nl - p) : strlen (p);
    long v;
    if (n >= sizeof name)
      n = sizeof name - 1;
    memcpy (name, p, n);
    name[n] = '\0';
    v = layout (name);
    printf ("%-44s %ld\n", name, v);
    if (v < 0) {
      fprintf (stderr, "layout-check: FAIL: listed name %s gives %ld\n", name, v);
      failures++;
    }
    count++;
    p = nl ? nl + 1 : p + n;
  }
  if (layout ("NoSuchType.field") != -1 || layout ("") != -1 || layout (NULL) != -1) {
    fprintf (stderr, "layout-check: FAIL: an unknown name does not give -1\n");
    failures++;
  }
#if defined(__x86_64__)
  for (i = 0; i < sizeof expected / sizeof expected[0]; i++) {
    long v = layout (expected[i].name);
    if (v != expected[i].value) {
      fprintf (stderr, "layout-check: FAIL: %s is %ld, the field notes say %ld\n",
          expected[i].name, v, expected[i].value);
      failures++;
    }
  }
#else
  (void) i;
  (void) expected;
#endif
  if (failures) {
    fprintf (stderr, "layout-check: %d of the checks failed\n", failures);
    return 1;
  }
  fprintf (stderr, "layout-check: %d entries; all checks passed\n", count);
  return 0;
}
