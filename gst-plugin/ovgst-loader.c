/* ovgst-loader.c: the GStreamer plugin "ovgst". Its elements are written in Java; this
 * C part only finds or starts a JVM and hands the GstPlugin* to Java:
 *
 *   org.ovgst.gst.Plugin.register(long gstPluginPointer) -> boolean     (JNI "(J)Z")
 *
 * JVM: one already running in this process (found with JNI_GetCreatedJavaVMs: a Java
 * application, or our own launcher), else a new one from libjvm.so, loaded with dlopen
 * from, in order, $OVGST_JAVA_HOME, $JAVA_HOME, and the Java home this plugin was built
 * with (libjvm is never linked: a process with a JVM must not load a second one).
 *
 * Environment, read when the plugin is loaded:
 *   OVGST_JAVA_HOME     Java home to load libjvm.so from (first choice)
 *   JAVA_HOME           second choice
 *   OVGST_CLASSPATH     class path of a new JVM (':'-separated; "dir/*" entries are expanded
 *                       to the jars in dir); default <root>/target/classes:<root>/target/lib/*
 *   OVGST_JVM_OPTIONS   extra options for a new JVM, split like a shell splits words (quote an
 *                       option with spaces: "-Dname=a b"), after the default collector and
 *                       heap (see default_heap below), which give way to the user's choice
 *   OVGST_HOME          project root passed as -Dovgst.home (default: the build's root)
 *   OVGST_LOADER_BUILT_JAVA_HOME   replaces the built-in Java home (for tests)
 *
 * The call runs on the thread that loads the plugin; a thread that is not yet attached to
 * the JVM is attached for the call and detached after it (a JVM we create is created on
 * it). The class is loaded with Class.forName from the thread's context class loader, then
 * from the system class loader (not FindClass: see find_plugin_class).
 *
 * The registry rescans the plugin when the .class/.jar files of the class path or
 * OVGST_CLASSPATH change (gst_plugin_add_dependency), so new Java elements show up.
 *
 * Every failure returns FALSE with a message saying what was looked for and how to fix
 * it. Note that GStreamer remembers a plugin whose init failed during a registry scan as
 * blacklisted until the plugin file changes, hence the "touch" in the messages.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <jni.h>
#include <gst/gst.h>

#ifndef OVGST_EXPORT
#define OVGST_EXPORT __attribute__((visibility("default")))
#endif

static void save_jvm_signal_handlers (void);

#ifndef OVGST_BUILD_JAVA_HOME
#define OVGST_BUILD_JAVA_HOME ""
#endif
#ifndef OVGST_BUILD_ROOT
#define OVGST_BUILD_ROOT ""
#endif
#ifndef OVGST_VERSION
#define OVGST_VERSION "0.0.0"
#endif

/* GST_PLUGIN_DEFINE takes the plugin's "source" module name from PACKAGE. */
#define PACKAGE "ovgst"

#define OVGST_JAVA_CLASS "org/ovgst/gst/Plugin"
#define OVGST_JAVA_CLASS_DOTS "org.ovgst.gst.Plugin"
#define OVGST_JAVA_METHOD "register"
#define OVGST_JAVA_SIGNATURE "(J)Z"
#define OVGST_LIBJVM_SUBPATH "/lib/server/libjvm.so"

GST_DEBUG_CATEGORY_STATIC (ovgst_loader_debug);
#define GST_CAT_DEFAULT ovgst_loader_debug

typedef jint (JNICALL *GetCreatedJavaVMsFn) (JavaVM **, jsize, jsize *);
typedef jint (JNICALL *CreateJavaVMFn) (JavaVM **, void **, void *);

/* The plugin file, for the messages ("touch" it to make GStreamer retry). */
static const gchar *plugin_file = NULL;

/* An error: to stderr (always shown, also from gst-plugin-scanner) and to the debug log. */
static void
fail (const gchar *format, ...) G_GNUC_PRINTF (1, 2);

static void
fail (const gchar *format, ...)
{
  va_list args;
  gchar *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  GST_ERROR ("%s", msg);
  g_printerr ("ovgst: %s\n"
      "ovgst: (after a failure during a registry scan GStreamer keeps this plugin blacklisted "
      "until its file changes: after the fix, run  touch %s)\n", msg, plugin_file ? plugin_file : "libgstovgst.so");
  g_free (msg);
}

/* ---- finding libjvm ------------------------------------------------------------------ */

static int
find_loaded_libjvm_cb (struct dl_phdr_info *info, size_t size, void *data)
{
  const char *name = info->dlpi_name;
  size_t n;
  (void) size;
  if (name == NULL)
    return 0;
  n = strlen (name);
  if (n >= 10 && strcmp (name + n - 10, "/libjvm.so") == 0) {
    *(gchar **) data = g_strdup (name);
    return 1;
  }
  return 0;
}

/* JNI_GetCreatedJavaVMs of a libjvm already in the process, or NULL. Looks in the global
 * namespace first, then for a libjvm.so loaded with RTLD_LOCAL (e.g. by a Java launcher). */
static GetCreatedJavaVMsFn
loaded_get_created_vms (void)
{
  GetCreatedJavaVMsFn fn;
  gchar *path = NULL;
  void *handle;

  fn = (GetCreatedJavaVMsFn) dlsym (RTLD_DEFAULT, "JNI_GetCreatedJavaVMs");
  if (fn != NULL)
    return fn;
  dl_iterate_phdr (find_loaded_libjvm_cb, &path);
  if (path == NULL)
    return NULL;
  /* RTLD_NOLOAD: only a reference to the copy already mapped (dropped by nobody: it stays
   * loaded as long as the process runs anyway). */
  handle = dlopen (path, RTLD_NOW | RTLD_NOLOAD);
  GST_INFO ("libjvm already loaded: %s", path);
  g_free (path);
  if (handle == NULL)
    return NULL;
  return (GetCreatedJavaVMsFn) dlsym (handle, "JNI_GetCreatedJavaVMs");
}

/* An existing JVM of this process, or NULL. */
static JavaVM *
existing_vm (GetCreatedJavaVMsFn get_created)
{
  JavaVM *vm = NULL;
  jsize n = 0;
  if (get_created == NULL)
    return NULL;
  if (get_created (&vm, 1, &n) != JNI_OK || n < 1)
    return NULL;
  return vm;
}

/* dlopens libjvm.so from the first Java home that has one. On failure, appends what was
 * tried to `tried` and returns NULL. */
static void *
open_libjvm (GString *tried, gchar **java_home_out)
{
  const gchar *built = g_getenv ("OVGST_LOADER_BUILT_JAVA_HOME");
  struct
  {
    const gchar *what;
    const gchar *home;
  } homes[] = {
    { "$OVGST_JAVA_HOME", g_getenv ("OVGST_JAVA_HOME") },
    { "$JAVA_HOME", g_getenv ("JAVA_HOME") },
    { built ? "$OVGST_LOADER_BUILT_JAVA_HOME" : "the Java home this plugin was built with",
        built ? built : OVGST_BUILD_JAVA_HOME },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (homes); i++) {
    gchar *path;
    void *handle;

    if (homes[i].home == NULL || homes[i].home[0] == '\0') {
      g_string_append_printf (tried, "\n  %s: not set", homes[i].what);
      continue;
    }
    path = g_strconcat (homes[i].home, OVGST_LIBJVM_SUBPATH, NULL);
    if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
      g_string_append_printf (tried, "\n  %s: %s does not exist", homes[i].what, path);
      g_free (path);
      continue;
    }
    handle = dlopen (path, RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) {
      const char *err = dlerror ();
      g_string_append_printf (tried, "\n  %s: %s", homes[i].what, err ? err : path);
      g_free (path);
      continue;
    }
    GST_INFO ("loaded %s (from %s)", path, homes[i].what);
    g_free (path);
    *java_home_out = g_strdup (homes[i].home);
    return handle;
  }
  return NULL;
}

/* ---- class path ---------------------------------------------------------------------- */

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* Appends the jars of dir (sorted), as the java launcher does for "dir/*". */
static void
append_jars (GString *cp, const gchar *dir)
{
  GPtrArray *jars = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;
  guint i;

  if (d == NULL) {
    g_ptr_array_unref (jars);
    return;
  }
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".jar") || g_str_has_suffix (name, ".JAR"))
      g_ptr_array_add (jars, g_build_filename (dir, name, NULL));
  g_dir_close (d);
  g_ptr_array_sort (jars, compare_strings);
  for (i = 0; i < jars->len; i++) {
    if (cp->len > 0)
      g_string_append_c (cp, ':');
    g_string_append (cp, g_ptr_array_index (jars, i));
  }
  g_ptr_array_unref (jars);
}

/* The class path with every "dir/*" (or "*") entry replaced by the jars in dir. */
static gchar *
expand_class_path (const gchar *spec)
{
  GString *cp = g_string_new (NULL);
  gchar **parts = g_strsplit (spec, ":", -1);
  guint i;

  for (i = 0; parts[i] != NULL; i++) {
    const gchar *p = parts[i];
    gsize n = strlen (p);
    if (n == 0)
      continue;
    if (strcmp (p, "*") == 0) {
      append_jars (cp, ".");
    } else if (n >= 2 && strcmp (p + n - 2, "/*") == 0) {
      gchar *dir = g_strndup (p, n - 2);
      append_jars (cp, dir[0] ? dir : "/");
      g_free (dir);
    } else {
      if (cp->len > 0)
        g_string_append_c (cp, ':');
      g_string_append (cp, p);
    }
  }
  g_strfreev (parts);
  return g_string_free (cp, FALSE);
}

static const gchar *
project_root (void)
{
  const gchar *home = g_getenv ("OVGST_HOME");
  return (home != NULL && home[0] != '\0') ? home : OVGST_BUILD_ROOT;
}

/* ---- JVM options ------------------------------------------------------------------------ */

/* The collector and heap of a JVM this plugin starts: it is a guest in someone else's process
 * (gst-launch-1.0, a Python program), so it should take little. The serial collector has no
 * threads of its own and the smallest footprint; a heap that starts at 16 MB and grows only as far
 * as the live objects need (up to 256 MB: room for many streams) keeps the young generation, the
 * part that garbage churns through, small. Measured in the README ("The JVM inside GStreamer"). */
static const gchar *const default_collector[] = { "-XX:+UseSerialGC", NULL };
static const gchar *const default_heap[] = { "-Xms16m", "-Xmx256m", NULL };

/* Options by which the user chooses the heap size instead: a default -Xms above the user's
 * -Xmx would stop the JVM from starting, a default -Xmx would override a RAM percentage. */
static const gchar *const heap_size_prefixes[] = { "-Xms", "-Xmx", "-XX:InitialHeapSize=", "-XX:MinHeapSize=",
  "-XX:MaxHeapSize=", "-XX:MaxRAM", "-XX:InitialRAMPercentage=", "-XX:MinRAMPercentage=", NULL
};

static gboolean
is_collector_option (const gchar *option)
{
  return (g_str_has_prefix (option, "-XX:+Use") || g_str_has_prefix (option, "-XX:-Use"))
      && g_str_has_suffix (option, "GC");
}

static gboolean
is_heap_size_option (const gchar *option)
{
  guint i;
  for (i = 0; heap_size_prefixes[i] != NULL; i++)
    if (g_str_has_prefix (option, heap_size_prefixes[i]))
      return TRUE;
  return FALSE;
}

/* An environment variable split like a shell splits words ('...', "..." and backslashes; no
 * expansion). Unset or blank: no options. NULL with *error set when it cannot be split (an
 * unbalanced quote). */
static gchar **
options_from_env (const gchar *name, GError **error)
{
  const gchar *value = g_getenv (name);
  gchar **options = NULL;

  if (value == NULL || value[strspn (value, " \t\n")] == '\0')
    return g_new0 (gchar *, 1);
  if (!g_shell_parse_argv (value, NULL, &options, error))
    return NULL;
  return options;
}

/* Whether the user's options set something of this family: OVGST_JVM_OPTIONS and the variables
 * the JVM reads itself (JAVA_TOOL_OPTIONS before our options, _JAVA_OPTIONS after them), where
 * a default of the same family would conflict ("Multiple garbage collectors selected") or win. */
static gboolean
user_sets (gchar **ovgst_options, gboolean (*in_family) (const gchar *))
{
  const gchar *jvm_variables[] = { "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS" };
  gboolean found = FALSE;
  guint i, v;

  for (i = 0; ovgst_options[i] != NULL && !found; i++)
    found = in_family (ovgst_options[i]);
  for (v = 0; v < G_N_ELEMENTS (jvm_variables) && !found; v++) {
    gchar **options = options_from_env (jvm_variables[v], NULL);
    for (i = 0; options != NULL && options[i] != NULL && !found; i++)
      found = in_family (options[i]);
    g_strfreev (options);
  }
  return found;
}

static void
add_options (GPtrArray *strings, const gchar *const *options)
{
  guint i;
  for (i = 0; options[i] != NULL; i++)
    g_ptr_array_add (strings, g_strdup (options[i]));
}

/* The options as a shell would need them, for messages: quoted where a space or quote is inside. */
static gchar *
describe_options (GPtrArray *strings)
{
  GString *all = g_string_new (NULL);
  guint i;

  for (i = 0; i < strings->len; i++) {
    const gchar *option = g_ptr_array_index (strings, i);
    if (i > 0)
      g_string_append_c (all, ' ');
    if (option[0] == '\0' || strpbrk (option, " \t\n'\"\\") != NULL) {
      gchar *quoted = g_shell_quote (option);
      g_string_append (all, quoted);
      g_free (quoted);
    } else {
      g_string_append (all, option);
    }
  }
  return g_string_free (all, FALSE);
}

/* ---- JVM start-up ---------------------------------------------------------------------- */

static volatile gboolean creating_vm = FALSE;
static const gchar *creating_options = NULL;

/* Called by the JVM when it ends the process instead of returning an error from
 * JNI_CreateJavaVM (e.g. "Too small maximum heap" for -Xmx1k in OVGST_JVM_OPTIONS): the
 * process ends anyway; at least say why. */
static void
jvm_ends_process (const gchar *how)
{
  if (creating_vm)
    g_printerr ("ovgst: the JVM %s this process while starting (see its message above); "
        "its options were: %s\novgst: fix: check OVGST_JVM_OPTIONS, or set OVGST_JAVA_HOME to another "
        "Java >= 25 home\n", how, creating_options ? creating_options : "");
}

static void JNICALL
on_jvm_exit (jint code)
{
  (void) code;
  jvm_ends_process ("exits");
}

static void JNICALL
on_jvm_abort (void)
{
  jvm_ends_process ("aborts");
}

/* Starts a JVM on this thread (which it attaches). NULL with a message on failure. */
static JavaVM *
create_vm (void *libjvm, const gchar *java_home, JNIEnv **env_out, gchar **class_path_out)
{
  CreateJavaVMFn create = (CreateJavaVMFn) dlsym (libjvm, "JNI_CreateJavaVM");
  const gchar *cp_env = g_getenv ("OVGST_CLASSPATH");
  GPtrArray *strings = g_ptr_array_new_with_free_func (g_free);
  GArray *options = g_array_new (FALSE, TRUE, sizeof (JavaVMOption));
  gchar **user_options, *cp_spec, *class_path, *all;
  GError *error = NULL;
  JavaVMInitArgs args;
  JavaVM *vm = NULL;
  JNIEnv *env = NULL;
  jint rc;
  guint i;

  if (create == NULL) {
    fail ("%s" OVGST_LIBJVM_SUBPATH " has no JNI_CreateJavaVM; set OVGST_JAVA_HOME to a Java >= 25 "
        "home, or run ./ovgst setup", java_home);
    goto out;
  }
  user_options = options_from_env ("OVGST_JVM_OPTIONS", &error);
  if (user_options == NULL) {
    fail ("OVGST_JVM_OPTIONS cannot be split into options: %s. It is split like a shell splits words: "
        "quote an option that holds spaces, e.g. OVGST_JVM_OPTIONS='-Xmx512m \"-Dname=a b\"'; its value: %s",
        error->message, g_getenv ("OVGST_JVM_OPTIONS"));
    g_error_free (error);
    goto out;
  }

  if (cp_env != NULL && cp_env[0] != '\0')
    cp_spec = g_strdup (cp_env);
  else
    cp_spec = g_strdup_printf ("%s/target/classes:%s/target/lib/*", project_root (), project_root ());
  class_path = expand_class_path (cp_spec);
  g_free (cp_spec);
  *class_path_out = class_path;

  g_ptr_array_add (strings, g_strconcat ("-Djava.class.path=", class_path, NULL));
  g_ptr_array_add (strings, g_strdup ("--enable-native-access=ALL-UNNAMED"));
  g_ptr_array_add (strings, g_strdup ("-Xrs"));
  g_ptr_array_add (strings, g_strconcat ("-Dovgst.home=", project_root (), NULL));
  if (!user_sets (user_options, is_collector_option))
    add_options (strings, default_collector);
  if (!user_sets (user_options, is_heap_size_option))
    add_options (strings, default_heap);
  add_options (strings, (const gchar * const *) user_options);
  g_strfreev (user_options);
  for (i = 0; i < strings->len; i++) {
    JavaVMOption o = { g_ptr_array_index (strings, i), NULL };
    g_array_append_val (options, o);
  }
  {
    JavaVMOption o = { (char *) "exit", (void *) on_jvm_exit };
    JavaVMOption a = { (char *) "abort", (void *) on_jvm_abort };
    g_array_append_val (options, o);
    g_array_append_val (options, a);
  }

  all = describe_options (strings);
  GST_INFO ("starting a JVM from %s with: %s", java_home, all);

  args.version = JNI_VERSION_1_8;
  args.nOptions = (jint) options->len;
  args.options = (JavaVMOption *) options->data;
  args.ignoreUnrecognized = JNI_FALSE;
  creating_options = all;
  creating_vm = TRUE;
  rc = create (&vm, (void **) &env, &args);
  creating_vm = FALSE;
  creating_options = NULL;
  if (rc != JNI_OK) {
    fail ("starting a JVM from %s failed (JNI_CreateJavaVM returned %d%s) with options: %s\n"
        "ovgst: fix: check OVGST_JVM_OPTIONS, or set OVGST_JAVA_HOME to another Java >= 25 home, "
        "or run ./ovgst setup", java_home, (int) rc,
        rc == JNI_EEXIST ? ": this process already had a JVM" :
        rc == JNI_ENOMEM ? ": out of memory" :
        rc == JNI_EINVAL ? ": invalid option" : "", all);
    vm = NULL;
  } else {
    *env_out = env;
    save_jvm_signal_handlers ();
  }
  g_free (all);
out:
  g_array_unref (options);
  g_ptr_array_unref (strings);
  return vm;
}

/* ---- the JVM's fault handlers ------------------------------------------------------------ */

/* HotSpot handles SIGSEGV/SIGBUS itself (safepoint polls, implicit null checks in compiled
 * code). gst_plugin_load_file() wraps plugin_init in its own SIGSEGV trap and afterwards puts
 * back the handler it found before: the JVM's handler, installed during plugin_init, is lost,
 * and the next fault in compiled Java code reaches the host's handler (gst-launch-1.0 spins).
 * So the JVM's handlers are saved here and put back by the Java side once plugin_init has
 * returned (ovgst_restore_jvm_signal_handlers, called when an element is made). */
static struct sigaction jvm_sigsegv;
static struct sigaction jvm_sigbus;
static gboolean jvm_handlers_saved;

static void
save_jvm_signal_handlers (void)
{
  sigaction (SIGSEGV, NULL, &jvm_sigsegv);
  sigaction (SIGBUS, NULL, &jvm_sigbus);
  jvm_handlers_saved = TRUE;
}

static void
restore_one (int signum, const struct sigaction *saved)
{
  struct sigaction now;

  sigaction (signum, NULL, &now);
  if (now.sa_sigaction != saved->sa_sigaction)
    sigaction (signum, saved, NULL);
}

/* Puts back the handlers of the JVM this plugin started; does nothing otherwise. */
OVGST_EXPORT void
ovgst_restore_jvm_signal_handlers (void)
{
  if (!jvm_handlers_saved)
    return;
  restore_one (SIGSEGV, &jvm_sigsegv);
  restore_one (SIGBUS, &jvm_sigbus);
}

/* ---- the Java call ---------------------------------------------------------------------- */

/* System.getProperty(name) as a new string, or NULL (for messages only). */
static gchar *
java_property (JNIEnv *env, const char *name)
{
  jclass sys;
  jmethodID get;
  jstring key, value;
  gchar *result = NULL;

  if ((*env)->PushLocalFrame (env, 8) != JNI_OK) {
    (*env)->ExceptionClear (env);
    return NULL;
  }
  sys = (*env)->FindClass (env, "java/lang/System");
  get = sys ? (*env)->GetStaticMethodID (env, sys, "getProperty",
      "(Ljava/lang/String;)Ljava/lang/String;") : NULL;
  key = get ? (*env)->NewStringUTF (env, name) : NULL;
  value = key ? (jstring) (*env)->CallStaticObjectMethod (env, sys, get, key) : NULL;
  if (!(*env)->ExceptionCheck (env) && value != NULL) {
    const char *chars = (*env)->GetStringUTFChars (env, value, NULL);
    if (chars != NULL) {
      result = g_strdup (chars);
      (*env)->ReleaseStringUTFChars (env, value, chars);
    }
  }
  (*env)->ExceptionClear (env);
  (*env)->PopLocalFrame (env, NULL);
  return result;
}

/* What to tell the user about where Java looked for our classes. */
static gchar *
class_path_hint (JNIEnv *env, const gchar *class_path, gboolean created)
{
  gchar *version = java_property (env, "java.version");
  gchar *home = java_property (env, "java.home");
  gchar *cp = created ? g_strdup (class_path) : java_property (env, "java.class.path");
  gchar *hint;

  if (created)
    hint = g_strdup_printf ("the JVM (Java %s at %s) was started by this plugin with class path: %s\n"
        "ovgst: fix: build the Java classes (./ovgst setup, then ./ovgst test or mvn package in %s), "
        "or set OVGST_CLASSPATH to a class path that holds " OVGST_JAVA_CLASS_DOTS
        "; the classes need Java >= 25 (set OVGST_JAVA_HOME)",
        version ? version : "?", home ? home : "?", cp ? cp : "", project_root ());
  else
    hint = g_strdup_printf ("the JVM (Java %s at %s) was already running in this process, with class "
        "path: %s\n"
        "ovgst: fix: put the ovgst classes (target/classes and target/lib/*) on that "
        "application's class path", version ? version : "?", home ? home : "?", cp ? cp : "?");
  g_free (version);
  g_free (home);
  g_free (cp);
  return hint;
}

/* Loads and initializes org.ovgst.gst.Plugin with Class.forName: from the current thread's
 * context class loader, then from the system class loader. Not JNI FindClass: called from
 * a Java thread inside an FFM downcall (a Java application that calls gst_init or makes an
 * element), FindClass uses the loader of the innermost Java frame, a java.lang.invoke class
 * of the boot loader, which cannot see the application's classes. NULL with the exception
 * pending on failure. */
static jclass
find_plugin_class (JNIEnv *env)
{
  jclass thread_c = (*env)->FindClass (env, "java/lang/Thread");
  jclass loader_c = (*env)->FindClass (env, "java/lang/ClassLoader");
  jclass class_c = (*env)->FindClass (env, "java/lang/Class");
  jclass cnfe_c = (*env)->FindClass (env, "java/lang/ClassNotFoundException");
  jmethodID current, get_ccl, get_system, for_name;
  jobject thread, loaders[2] = { NULL, NULL };
  jstring name;
  guint i;

  if (thread_c == NULL || loader_c == NULL || class_c == NULL || cnfe_c == NULL)
    return NULL;
  current = (*env)->GetStaticMethodID (env, thread_c, "currentThread", "()Ljava/lang/Thread;");
  get_ccl = (*env)->GetMethodID (env, thread_c, "getContextClassLoader", "()Ljava/lang/ClassLoader;");
  get_system = (*env)->GetStaticMethodID (env, loader_c, "getSystemClassLoader",
      "()Ljava/lang/ClassLoader;");
  for_name = (*env)->GetStaticMethodID (env, class_c, "forName",
      "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;");
  if (current == NULL || get_ccl == NULL || get_system == NULL || for_name == NULL)
    return NULL;
  thread = (*env)->CallStaticObjectMethod (env, thread_c, current);
  if (thread != NULL && !(*env)->ExceptionCheck (env))
    loaders[0] = (*env)->CallObjectMethod (env, thread, get_ccl);
  (*env)->ExceptionClear (env);
  loaders[1] = (*env)->CallStaticObjectMethod (env, loader_c, get_system);
  if ((*env)->ExceptionCheck (env))
    return NULL;
  if (loaders[0] != NULL && (*env)->IsSameObject (env, loaders[0], loaders[1]))
    loaders[0] = NULL;
  name = (*env)->NewStringUTF (env, OVGST_JAVA_CLASS_DOTS);
  if (name == NULL)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (loaders); i++) {
    jclass cls;
    jthrowable exc;

    if (loaders[i] == NULL)
      continue;
    cls = (jclass) (*env)->CallStaticObjectMethod (env, class_c, for_name, name, JNI_TRUE, loaders[i]);
    if (!(*env)->ExceptionCheck (env) && cls != NULL) {
      GST_INFO ("loaded " OVGST_JAVA_CLASS_DOTS " from the %s class loader",
          i == 0 ? "thread's context" : "system");
      return cls;
    }
    exc = (*env)->ExceptionOccurred (env);
    /* Not found by this loader: try the next one. Anything else (a failing static
     * initializer, a class file too new for this Java...) is the answer. */
    if (i + 1 < G_N_ELEMENTS (loaders) && exc != NULL && (*env)->IsInstanceOf (env, exc, cnfe_c))
      (*env)->ExceptionClear (env);
    else
      return NULL;
  }
  return NULL;
}

static gboolean
call_register (JNIEnv *env, GstPlugin *plugin, const gchar *class_path, gboolean created)
{
  jclass cls;
  jmethodID mid;
  jboolean ok;
  gboolean result = FALSE;
  gchar *hint;

  if ((*env)->PushLocalFrame (env, 16) != JNI_OK) {
    (*env)->ExceptionDescribe (env);
    fail ("the JVM is out of memory (PushLocalFrame failed)");
    return FALSE;
  }
  cls = find_plugin_class (env);
  if (cls == NULL) {
    (*env)->ExceptionDescribe (env);      /* prints and clears it */
    hint = class_path_hint (env, class_path, created);
    fail ("class " OVGST_JAVA_CLASS_DOTS " not found or not loadable; %s", hint);
    g_free (hint);
    goto out;
  }
  mid = (*env)->GetStaticMethodID (env, cls, OVGST_JAVA_METHOD, OVGST_JAVA_SIGNATURE);
  if (mid == NULL) {
    (*env)->ExceptionDescribe (env);
    hint = class_path_hint (env, class_path, created);
    fail ("class " OVGST_JAVA_CLASS_DOTS " has no method  static boolean " OVGST_JAVA_METHOD
        "(long)  (JNI " OVGST_JAVA_SIGNATURE "): a stale build? %s", hint);
    g_free (hint);
    goto out;
  }
  GST_INFO ("calling " OVGST_JAVA_CLASS_DOTS "." OVGST_JAVA_METHOD "(%p)", plugin);
  ok = (*env)->CallStaticBooleanMethod (env, cls, mid, (jlong) (intptr_t) plugin);
  if ((*env)->ExceptionCheck (env)) {
    (*env)->ExceptionDescribe (env);
    fail (OVGST_JAVA_CLASS_DOTS "." OVGST_JAVA_METHOD " threw an exception (printed above); "
        "the plugin registers no elements");
    goto out;
  }
  if (!ok) {
    fail (OVGST_JAVA_CLASS_DOTS "." OVGST_JAVA_METHOD " returned false (see its messages above); "
        "the plugin registers no elements");
    goto out;
  }
  result = TRUE;
out:
  (*env)->PopLocalFrame (env, NULL);
  return result;
}

/* The elements are defined by the Java classes, not by this file: tell GStreamer to
 * re-inspect the plugin (a registry rescan) when the .class or .jar files of the class path
 * change, or when OVGST_CLASSPATH does (its entries replace the default directories). */
static void
add_class_path_dependency (GstPlugin *plugin)
{
  const gchar *env_vars[] = { "OVGST_CLASSPATH", NULL };
  const gchar *names[] = { ".class", ".jar", NULL };
  gchar *classes = g_build_filename (project_root (), "target", "classes", NULL);
  gchar *lib = g_build_filename (project_root (), "target", "lib", NULL);
  const gchar *paths[] = { classes, lib, NULL };

  gst_plugin_add_dependency (plugin, env_vars, paths, names,
      GST_PLUGIN_DEPENDENCY_FLAG_RECURSE | GST_PLUGIN_DEPENDENCY_FLAG_FILE_NAME_IS_SUFFIX |
      GST_PLUGIN_DEPENDENCY_FLAG_PATHS_ARE_DEFAULT_ONLY);
  g_free (classes);
  g_free (lib);
}

/* The JNIEnv of this thread in a JVM that was already running: the thread's own if it is
 * attached (a Java thread calling GStreamer), else it attaches the thread as a daemon and
 * sets *attached (the caller detaches it again). */
static gboolean
env_of_existing_vm (JavaVM *vm, JNIEnv **env, gboolean *attached)
{
  jint rc = (*vm)->GetEnv (vm, (void **) env, JNI_VERSION_1_8);

  if (rc == JNI_EDETACHED) {
    JavaVMAttachArgs aa = { JNI_VERSION_1_8, (char *) "ovgst-gst-plugin-init", NULL };
    rc = (*vm)->AttachCurrentThreadAsDaemon (vm, (void **) env, &aa);
    if (rc != JNI_OK) {
      fail ("this process runs a JVM, but attaching this thread to it failed (JNI error %d); "
          "is the JVM shutting down?", (int) rc);
      return FALSE;
    }
    *attached = TRUE;
  } else if (rc != JNI_OK) {
    fail ("this process runs a JVM, but JNI GetEnv failed (JNI error %d)", (int) rc);
    return FALSE;
  }
  GST_INFO ("using the JVM already in this process%s", *attached ? " (thread attached)" : "");
  return TRUE;
}

/* ---- plugin_init ------------------------------------------------------------------------- */

static gboolean
plugin_init (GstPlugin *plugin)
{
  JavaVM *vm;
  JNIEnv *env = NULL;
  gboolean attached = FALSE, created = FALSE, ok;
  gchar *class_path = NULL;
  gint64 t0 = g_get_monotonic_time ();

  GST_DEBUG_CATEGORY_INIT (ovgst_loader_debug, "ovgst-loader", 0, "ovgst JVM loader");
  plugin_file = gst_plugin_get_filename (plugin);
  add_class_path_dependency (plugin);

  vm = existing_vm (loaded_get_created_vms ());
  if (vm != NULL) {
    if (!env_of_existing_vm (vm, &env, &attached))
      return FALSE;
  } else {
    GString *tried = g_string_new (NULL);
    gchar *java_home = NULL;
    void *libjvm = open_libjvm (tried, &java_home);

    if (libjvm == NULL) {
      fail ("no Java runtime found: looked for libjvm.so in:%s\n"
          "ovgst: fix: set OVGST_JAVA_HOME to a Java >= 25 home, or run ./ovgst setup in %s "
          "(it finds or installs a Java >= 25 and builds this plugin for it)",
          tried->str, project_root ()[0] ? project_root () : "the ovgst checkout");
      g_string_free (tried, TRUE);
      return FALSE;
    }
    g_string_free (tried, TRUE);
    /* The same libjvm may hold a JVM already (loaded by someone else under this path). */
    vm = existing_vm ((GetCreatedJavaVMsFn) dlsym (libjvm, "JNI_GetCreatedJavaVMs"));
    if (vm != NULL) {
      if (!env_of_existing_vm (vm, &env, &attached)) {
        g_free (java_home);
        return FALSE;
      }
    } else {
      vm = create_vm (libjvm, java_home, &env, &class_path);
      if (vm == NULL) {
        g_free (java_home);
        g_free (class_path);
        return FALSE;
      }
      created = TRUE;
      attached = TRUE;          /* JNI_CreateJavaVM attached this thread */
      GST_INFO ("JVM started in %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
    }
    g_free (java_home);
  }

  ok = call_register (env, plugin, class_path, created);
  GST_INFO (OVGST_JAVA_CLASS_DOTS "." OVGST_JAVA_METHOD " %s after %.0f ms",
      ok ? "succeeded" : "failed", (g_get_monotonic_time () - t0) / 1000.0);

  /* Detach only what we attached; later FFM upcalls on this thread attach it again. */
  if (attached)
    (*vm)->DetachCurrentThread (vm);
  g_free (class_path);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, ovgst,
    "OpenVINO inference elements written in Java (runs them in a JVM)",
    plugin_init, OVGST_VERSION, "LGPL", "ovgst", "ovgst (built from source)")
