/* test-properties.c: every GObject property agrees with its getter and setter
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One table row per public GObject type, with a way to make an instance.
 * /gcoro/properties/accessors walks each type's properties with
 * g_object_class_list_properties(): a readable property has an exported
 * getter (gcoro_<type>_get_<name> or _is_<name>) that returns what the
 * property reads; a writable one has an exported setter, explicit notify,
 * and a change through either side is seen by the other and notified once
 * (setting the same value again notifies nothing).
 *
 * /gcoro/properties/gir reads the built GCoro-1.0.gir (GCORO_PROPERTIES_GIR,
 * set by meson) so that nothing escapes the rule: every class is in the
 * table, every getter/setter pair (get_x() with no argument, void set_x()
 * with one) has a property "x", and every readable property names its
 * getter in the GIR (the (getter) annotation).
 */
#include <gmodule.h>

#include "gcoro-test-util.h"

/* --- instances ------------------------------------------------------------------ */

static GObject *
make_barrier (void)
{
  return G_OBJECT (gcoro_barrier_new (3));
}

static GObject *
make_cancellable_awaitable (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  return G_OBJECT (gcoro_cancellable_awaitable_new (cancellable));
}

static GObject *
make_condition (void)
{
  g_autoptr(GCoroLock) lock = gcoro_lock_new ();

  return G_OBJECT (gcoro_condition_new (lock));
}

static GObject *
make_context (void)
{
  return G_OBJECT (gcoro_context_new ());
}

static GObject *
make_context_var (void)
{
  return G_OBJECT (gcoro_context_var_new ("a-variable"));
}

static GObject *
make_event (void)
{
  return G_OBJECT (gcoro_event_new ());
}

static void
never_runs (GCoroGenerator *gen,
            gpointer        user_data)
{
  g_assert_not_reached ();
}

static GObject *
make_generator (void)
{
  return G_OBJECT (gcoro_generator_new (never_runs, NULL, NULL));
}

static GObject *
make_lock (void)
{
  return G_OBJECT (gcoro_lock_new ());
}

static gint64
bridge_turn (GCoroLoopBridge *bridge,
             gboolean         has_events,
             gpointer         user_data)
{
  return GCORO_LOOP_BRIDGE_NO_DEADLINE;
}

static GObject *
make_loop_bridge (void)
{
  return G_OBJECT (gcoro_loop_bridge_new (g_main_context_default (), bridge_turn, NULL, NULL));
}

static GObject *
make_promise (void)
{
  return G_OBJECT (gcoro_promise_new ());
}

static GObject *
make_queue (void)
{
  return G_OBJECT (gcoro_queue_new (5));
}

static GObject *
make_scheduler (void)
{
  return g_object_ref (G_OBJECT (gcoro_scheduler_get_default ()));
}

static GObject *
make_semaphore (void)
{
  return G_OBJECT (gcoro_semaphore_new (2));
}

static GObject *
make_stream (void)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GIOStream) io = g_simple_io_stream_new (in, out);

  return G_OBJECT (gcoro_stream_new (io));
}

static GObject *
make_stream_server (void)
{
  return G_OBJECT (gcoro_stream_server_new ());
}

static void
trivial_body (GCoroTask *task,
              gpointer   user_data)
{
  gcoro_task_return_boolean (task, TRUE);
}

static GObject *
make_task (void)
{
  GCoroSpawnOptions opts = { .name = "a-task" };
  GCoroTask *task = gcoro_spawn_full (&opts, trivial_body, NULL, NULL);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  return G_OBJECT (task);
}

static GObject *
make_task_group (void)
{
  return G_OBJECT (gcoro_task_group_new ());
}

static GObject *
make_task_runner (void)
{
  return G_OBJECT (gcoro_task_runner_new ());
}

static GObject *
make_worker (void)
{
  g_autoptr(GError) error = NULL;
  GCoroWorker *worker = gcoro_worker_new ("props", &error);

  g_assert_no_error (error);
  return G_OBJECT (worker);
}

static void
drop_loop_bridge (GObject *object)
{
  gcoro_loop_bridge_close (GCORO_LOOP_BRIDGE (object));
  g_object_unref (object);
}

static void
drop_worker (GObject *object)
{
  gcoro_worker_stop (GCORO_WORKER (object));
  g_object_unref (object);
}

typedef struct
{
  const char  *type_name;
  GObject   *(*make) (void);
  void       (*drop) (GObject *object);   /* NULL: g_object_unref() */
} TypeRow;

/* Every public GObject type. GCoroFuture is abstract: its properties are
 * checked on a promise. */
static const TypeRow type_rows[] = {
  { "GCoroBarrier", make_barrier, NULL },
  { "GCoroCancellableAwaitable", make_cancellable_awaitable, NULL },
  { "GCoroCondition", make_condition, NULL },
  { "GCoroContext", make_context, NULL },
  { "GCoroContextVar", make_context_var, NULL },
  { "GCoroEvent", make_event, NULL },
  { "GCoroFuture", make_promise, NULL },
  { "GCoroGenerator", make_generator, NULL },
  { "GCoroLock", make_lock, NULL },
  { "GCoroLoopBridge", make_loop_bridge, drop_loop_bridge },
  { "GCoroPromise", make_promise, NULL },
  { "GCoroQueue", make_queue, NULL },
  { "GCoroScheduler", make_scheduler, NULL },
  { "GCoroSemaphore", make_semaphore, NULL },
  { "GCoroStream", make_stream, NULL },
  { "GCoroStreamServer", make_stream_server, NULL },
  { "GCoroTask", make_task, NULL },
  { "GCoroTaskGroup", make_task_group, NULL },
  { "GCoroTaskRunner", make_task_runner, NULL },
  { "GCoroWorker", make_worker, drop_worker },
};

/* --- names ---------------------------------------------------------------------- */

/* "GCoroStreamServer" -> "gcoro_stream_server" */
static char *
function_prefix (const char *type_name)
{
  GString *s = g_string_new ("gcoro");

  g_assert_true (g_str_has_prefix (type_name, "GCoro"));
  for (const char *p = type_name + strlen ("GCoro"); *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p))
        g_string_append_c (s, '_');
      g_string_append_c (s, g_ascii_tolower (*p));
    }
  return g_string_free (s, FALSE);
}

static gpointer
find_function (const char *prefix,
               const char *verb,
               const char *property)
{
  static GModule *self_module;
  g_autofree char *name = g_strdup_printf ("%s_%s_%s", prefix, verb, property);
  gpointer symbol = NULL;

  if (self_module == NULL)
    self_module = g_module_open (NULL, 0);
  g_strdelimit (name, "-", '_');
  if (!g_module_symbol (self_module, name, &symbol))
    return NULL;
  return symbol;
}

/* --- calling accessors by the property's type ----------------------------------- */

/* What the C getter returns, in a GValue of the property's type. */
static void
call_getter (gpointer    getter,
             GObject    *object,
             GParamSpec *pspec,
             GValue     *out)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  g_value_init (out, type);
  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_BOOLEAN:
      g_value_set_boolean (out, ((gboolean (*) (gpointer)) getter) (object));
      break;
    case G_TYPE_INT:
      g_value_set_int (out, ((gint (*) (gpointer)) getter) (object));
      break;
    case G_TYPE_UINT:
      g_value_set_uint (out, ((guint (*) (gpointer)) getter) (object));
      break;
    case G_TYPE_INT64:
      g_value_set_int64 (out, ((gint64 (*) (gpointer)) getter) (object));
      break;
    case G_TYPE_UINT64:
      g_value_set_uint64 (out, ((guint64 (*) (gpointer)) getter) (object));
      break;
    case G_TYPE_DOUBLE:
      g_value_set_double (out, ((double (*) (gpointer)) getter) (object));
      break;
    case G_TYPE_ENUM:
      g_value_set_enum (out, ((gint (*) (gpointer)) getter) (object));
      break;
    case G_TYPE_STRING:
      g_value_set_string (out, ((const char *(*) (gpointer)) getter) (object));
      break;
    case G_TYPE_OBJECT:
      g_value_set_object (out, ((gpointer (*) (gpointer)) getter) (object));
      break;
    case G_TYPE_BOXED:
      g_value_set_boxed (out, ((gpointer (*) (gpointer)) getter) (object));
      break;
    default:
      g_error ("%s:%s: no getter call for a %s property; add one to call_getter()",
               G_OBJECT_TYPE_NAME (object), pspec->name, g_type_name (type));
    }
}

static void
call_setter (gpointer      setter,
             GObject      *object,
             const GValue *value)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_BOOLEAN:
      ((void (*) (gpointer, gboolean)) setter) (object, g_value_get_boolean (value));
      break;
    case G_TYPE_INT:
      ((void (*) (gpointer, gint)) setter) (object, g_value_get_int (value));
      break;
    case G_TYPE_UINT:
      ((void (*) (gpointer, guint)) setter) (object, g_value_get_uint (value));
      break;
    case G_TYPE_INT64:
      ((void (*) (gpointer, gint64)) setter) (object, g_value_get_int64 (value));
      break;
    case G_TYPE_UINT64:
      ((void (*) (gpointer, guint64)) setter) (object, g_value_get_uint64 (value));
      break;
    case G_TYPE_DOUBLE:
      ((void (*) (gpointer, double)) setter) (object, g_value_get_double (value));
      break;
    case G_TYPE_STRING:
      ((void (*) (gpointer, const char *)) setter) (object, g_value_get_string (value));
      break;
    default:
      g_error ("no setter call for a %s property; add one to call_setter()",
               G_VALUE_TYPE_NAME (value));
    }
}

/* Whether the two values of one property are the same (objects and boxed
 * by identity: a GMainContext property holds the same context). */
static gboolean
same_value (GParamSpec   *pspec,
            const GValue *a,
            const GValue *b)
{
  switch (G_TYPE_FUNDAMENTAL (G_PARAM_SPEC_VALUE_TYPE (pspec)))
    {
    case G_TYPE_OBJECT:
      return g_value_get_object (a) == g_value_get_object (b);
    case G_TYPE_BOXED:
      return g_value_get_boxed (a) == g_value_get_boxed (b);
    default:
      return g_param_values_cmp (pspec, a, b) == 0;
    }
}

/* Another valid value than @current for a property the test can change,
 * or FALSE for a type it does not make values of. */
static gboolean
other_value (GParamSpec   *pspec,
             const GValue *current,
             GValue       *other)
{
  g_value_init (other, G_PARAM_SPEC_VALUE_TYPE (pspec));
  switch (G_TYPE_FUNDAMENTAL (G_PARAM_SPEC_VALUE_TYPE (pspec)))
    {
    case G_TYPE_BOOLEAN:
      g_value_set_boolean (other, !g_value_get_boolean (current));
      return TRUE;
    case G_TYPE_INT:
      {
        GParamSpecInt *spec = G_PARAM_SPEC_INT (pspec);
        gint v = g_value_get_int (current);

        g_value_set_int (other, v < spec->maximum ? v + 1 : v - 1);
        return TRUE;
      }
    case G_TYPE_UINT:
      {
        GParamSpecUInt *spec = G_PARAM_SPEC_UINT (pspec);
        guint v = g_value_get_uint (current);

        g_value_set_uint (other, v < spec->maximum ? v + 1 : v - 1);
        return TRUE;
      }
    case G_TYPE_UINT64:
      {
        GParamSpecUInt64 *spec = G_PARAM_SPEC_UINT64 (pspec);
        guint64 v = g_value_get_uint64 (current);

        g_value_set_uint64 (other, v < spec->maximum ? v + 1 : v - 1);
        return TRUE;
      }
    case G_TYPE_STRING:
      g_value_take_string (other, g_strconcat (g_value_get_string (current) ?: "", "-renamed",
                                               NULL));
      return TRUE;
    default:
      g_value_unset (other);
      return FALSE;
    }
}

/* --- /gcoro/properties/accessors ------------------------------------------------ */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
check_writable (GObject    *object,
                GParamSpec *pspec,
                const char *prefix,
                gpointer    getter)
{
  gpointer setter = find_function (prefix, "set", pspec->name);
  g_autofree char *signal = g_strconcat ("notify::", pspec->name, NULL);
  GValue before = G_VALUE_INIT, wanted = G_VALUE_INIT, seen = G_VALUE_INIT;
  guint notified = 0;
  gulong id;

  g_test_message ("%s:%s: setter and notify", G_OBJECT_TYPE_NAME (object), pspec->name);
  g_assert_nonnull (setter);
  g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);

  call_getter (getter, object, pspec, &before);
  if (!other_value (pspec, &before, &wanted))
    {
      g_value_unset (&before);
      return;
    }
  id = g_signal_connect (object, signal, G_CALLBACK (count_notify), &notified);

  /* Through the property: the getter sees it, one notification. */
  g_object_set_property (object, pspec->name, &wanted);
  call_getter (getter, object, pspec, &seen);
  g_assert_true (same_value (pspec, &seen, &wanted));
  g_assert_cmpuint (notified, ==, 1);
  g_value_unset (&seen);

  /* The same value again: nothing changed, nothing notified. */
  g_object_set_property (object, pspec->name, &wanted);
  g_assert_cmpuint (notified, ==, 1);

  /* Through the setter: the property sees it, one more notification. */
  call_setter (setter, object, &before);
  g_value_init (&seen, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_object_get_property (object, pspec->name, &seen);
  g_assert_true (same_value (pspec, &seen, &before));
  g_assert_cmpuint (notified, ==, 2);

  g_signal_handler_disconnect (object, id);
  g_value_unset (&before);
  g_value_unset (&wanted);
  g_value_unset (&seen);
}

static void
check_property (GObject    *object,
                GParamSpec *pspec)
{
  g_autofree char *prefix = function_prefix (g_type_name (pspec->owner_type));
  gpointer getter;
  GValue by_property = G_VALUE_INIT, by_getter = G_VALUE_INIT;

  g_test_message ("%s:%s", G_OBJECT_TYPE_NAME (object), pspec->name);
  g_assert_cmpint (pspec->flags & G_PARAM_STATIC_STRINGS, ==, G_PARAM_STATIC_STRINGS);
  g_assert_true (pspec->flags & G_PARAM_READABLE);

  getter = find_function (prefix, "get", pspec->name);
  if (getter == NULL)
    getter = find_function (prefix, "is", pspec->name);
  g_assert_nonnull (getter);

  g_value_init (&by_property, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_object_get_property (object, pspec->name, &by_property);
  call_getter (getter, object, pspec, &by_getter);
  g_assert_true (same_value (pspec, &by_property, &by_getter));
  g_value_unset (&by_property);
  g_value_unset (&by_getter);

  if ((pspec->flags & G_PARAM_WRITABLE) && !(pspec->flags & G_PARAM_CONSTRUCT_ONLY))
    check_writable (object, pspec, prefix, getter);
}

static void
test_accessors (void)
{
  guint n_checked = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (type_rows); i++)
    {
      const TypeRow *row = &type_rows[i];
      GObject *object = row->make ();   /* first: it registers the type */
      GType type = g_type_from_name (row->type_name);
      GObjectClass *klass = g_type_class_ref (type);
      g_autofree GParamSpec **pspecs = NULL;
      guint n;

      g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (object, type));
      pspecs = g_object_class_list_properties (klass, &n);
      for (guint k = 0; k < n; k++)
        if (g_str_has_prefix (g_type_name (pspecs[k]->owner_type), "GCoro"))
          {
            check_property (object, pspecs[k]);
            n_checked++;
          }

      g_type_class_unref (klass);
      if (row->drop != NULL)
        row->drop (object);
      else
        g_object_unref (object);
    }
  /* The table reaches the properties at all. */
  g_assert_cmpuint (n_checked, >=, 20);
}

/* --- /gcoro/properties/gir ------------------------------------------------------ */

typedef struct
{
  GHashTable *classes;     /* class name -> GHashTable of its property names */
  GHashTable *getters;     /* "Class.name" -> getter method, or "" */
  GHashTable *methods;     /* "Class.get_x" taking nothing, "Class.set_x" taking one */
  char       *klass;
  char       *method;
  guint       n_params;
  gboolean    in_return;
  gboolean    returns_none;
  gboolean    in_method;
} GirScan;

static void
gir_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              data,
           GError              **error)
{
  GirScan *scan = data;
  const char *name = NULL, *getter = NULL;

  for (int i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], "name"))
      name = values[i];
    else if (g_str_equal (names[i], "getter"))
      getter = values[i];

  if (g_str_equal (element, "class") && name != NULL)
    {
      g_free (scan->klass);
      scan->klass = g_strdup (name);
      g_hash_table_insert (scan->classes, g_strdup (name),
                           g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
    }
  else if (scan->klass != NULL && g_str_equal (element, "property") && name != NULL)
    {
      g_hash_table_add (g_hash_table_lookup (scan->classes, scan->klass), g_strdup (name));
      g_hash_table_insert (scan->getters, g_strconcat (scan->klass, ".", name, NULL),
                           g_strdup (getter != NULL ? getter : ""));
    }
  else if (scan->klass != NULL && g_str_equal (element, "method") && name != NULL)
    {
      g_free (scan->method);
      scan->method = g_strdup (name);
      scan->n_params = 0;
      scan->returns_none = FALSE;
      scan->in_method = TRUE;
    }
  else if (scan->in_method && g_str_equal (element, "parameter"))
    scan->n_params++;
  else if (scan->in_method && g_str_equal (element, "return-value"))
    scan->in_return = TRUE;
  else if (scan->in_return && g_str_equal (element, "type") && name != NULL)
    scan->returns_none = g_str_equal (name, "none");
}

static void
gir_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              data,
         GError              **error)
{
  GirScan *scan = data;

  if (g_str_equal (element, "class"))
    g_clear_pointer (&scan->klass, g_free);
  else if (g_str_equal (element, "return-value"))
    scan->in_return = FALSE;
  else if (g_str_equal (element, "method") && scan->in_method)
    {
      /* get_x: no parameter, returns; set_x: one parameter, returns nothing */
      if (g_str_has_prefix (scan->method, "get_") && scan->n_params == 0 && !scan->returns_none)
        g_hash_table_insert (scan->methods, g_strconcat (scan->klass, ".", scan->method, NULL),
                             GINT_TO_POINTER (1));
      else if (g_str_has_prefix (scan->method, "set_") && scan->n_params == 1 && scan->returns_none)
        g_hash_table_insert (scan->methods, g_strconcat (scan->klass, ".", scan->method, NULL),
                             GINT_TO_POINTER (1));
      scan->in_method = FALSE;
    }
}

static void
test_gir (void)
{
  const char *path = g_getenv ("GCORO_PROPERTIES_GIR");
  const GMarkupParser parser = { .start_element = gir_start, .end_element = gir_end };
  GirScan scan = { 0, };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gsize len;

  if (path == NULL)
    {
      g_test_skip ("built without introspection: no GCoro-1.0.gir (GCORO_PROPERTIES_GIR "
                   "is unset); the accessor table still runs");
      return;
    }
  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  g_assert_no_error (error);

  scan.classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_hash_table_unref);
  scan.getters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  scan.methods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  context = g_markup_parse_context_new (&parser, 0, &scan, NULL);
  g_assert_true (g_markup_parse_context_parse (context, text, len, &error));
  g_assert_no_error (error);

  /* Every class has a row in the table. */
  g_hash_table_iter_init (&iter, scan.classes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *type_name = g_strconcat ("GCoro", key, NULL);
      gboolean found = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (type_rows); i++)
        found |= g_str_equal (type_rows[i].type_name, type_name);
      if (!found)
        g_error ("%s has no row in type_rows of test-properties.c", type_name);
    }

  /* Every get_x()/set_x() pair has its property "x". */
  g_hash_table_iter_init (&iter, scan.methods);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *dot = strchr (key, '.');
      g_autofree char *klass = g_strndup (key, dot - (const char *) key);
      g_autofree char *getter = NULL;
      g_autofree char *property = NULL;

      if (!g_str_has_prefix (dot + 1, "set_"))
        continue;
      getter = g_strconcat (klass, ".get_", dot + 1 + strlen ("set_"), NULL);
      if (!g_hash_table_contains (scan.methods, getter))
        continue;
      property = g_strdelimit (g_strdup (dot + 1 + strlen ("set_")), "_", '-');
      g_test_message ("pair %s.get/set_%s", klass, dot + 1 + strlen ("set_"));
      if (!g_hash_table_contains (g_hash_table_lookup (scan.classes, klass), property))
        g_error ("GCoro%s has get_%s() and set_%s() but no property \"%s\"",
                 klass, dot + 1 + strlen ("set_"), dot + 1 + strlen ("set_"), property);
    }

  /* Every property names its getter (the (getter) annotation). */
  g_hash_table_iter_init (&iter, scan.getters);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(const char *) value == '\0')
      g_error ("property %s has no getter in the GIR: annotate it with (getter get_...)",
               (const char *) key);

  g_hash_table_unref (scan.classes);
  g_hash_table_unref (scan.getters);
  g_hash_table_unref (scan.methods);
  g_free (scan.klass);
  g_free (scan.method);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/properties/accessors", test_accessors);
  g_test_add_func ("/gcoro/properties/gir", test_gir);

  return g_test_run ();
}
