/* ovgst-layout.c: struct offsets and sizes from the installed GLib/GStreamer headers.
 *
 * The Java layer (org.ovgst.gst) reads and writes GObject/GStreamer structs through FFM.
 * It asks this table for every offset and size instead of hard-coding them:
 *
 *   long ovgst_layout(const char *name);      offsetof/sizeof, or -1 for an unknown name
 *   const char *ovgst_layout_names(void);     all names, each followed by '\n'
 *
 * Names are "Type.field" (offsetof; for an array field, the offset of its first element),
 * "sizeof Type", and the names of enum values the Java side compares with (GST_QUERY_CAPS).
 * To add one, add one line to OVGST_LAYOUT_TABLE below.
 * gst-plugin/build.sh --check prints the whole table and checks some known values.
 */
#include <stddef.h>
#include <string.h>

#include <glib-object.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#define OVGST_EXPORT __attribute__((visibility("default")))

/* F(Type, field): offsetof(Type, field) as "Type.field"; S(Type): sizeof(Type) as "sizeof Type";
 * V(NAME): the value of an enum constant as "NAME". */
#define OVGST_LAYOUT_TABLE(F, S, V) \
  F(GObjectClass, set_property) \
  F(GObjectClass, get_property) \
  F(GObjectClass, dispose) \
  F(GObjectClass, finalize) \
  F(GObjectClass, constructed) \
  S(GObjectClass) \
  F(GstElementClass, change_state) \
  F(GstElementClass, send_event) \
  F(GstElementClass, query) \
  F(GstElementClass, request_new_pad) \
  F(GstElementClass, release_pad) \
  S(GstElementClass) \
  F(GstBinClass, handle_message) \
  S(GstBinClass) \
  F(GstBin, children) \
  F(GstObject, flags) \
  F(GstObject, lock) \
  F(GstMiniObject, type) \
  F(GstMiniObject, refcount) \
  F(GstBuffer, pool) \
  F(GstBuffer, pts) \
  F(GstBuffer, dts) \
  F(GstBuffer, duration) \
  F(GstBuffer, offset) \
  F(GstBuffer, offset_end) \
  S(GstBuffer) \
  F(GstMapInfo, memory) \
  F(GstMapInfo, flags) \
  F(GstMapInfo, data) \
  F(GstMapInfo, size) \
  F(GstMapInfo, maxsize) \
  S(GstMapInfo) \
  F(GstMessage, type) \
  F(GstMessage, timestamp) \
  F(GstMessage, src) \
  F(GstMessage, seqnum) \
  F(GstEvent, type) \
  F(GstEvent, timestamp) \
  F(GstEvent, seqnum) \
  F(GstQuery, type) \
  F(GError, domain) \
  F(GError, code) \
  F(GError, message) \
  S(GError) \
  F(GTypeInfo, class_size) \
  F(GTypeInfo, base_init) \
  F(GTypeInfo, base_finalize) \
  F(GTypeInfo, class_init) \
  F(GTypeInfo, class_finalize) \
  F(GTypeInfo, class_data) \
  F(GTypeInfo, instance_size) \
  F(GTypeInfo, n_preallocs) \
  F(GTypeInfo, instance_init) \
  F(GTypeInfo, value_table) \
  S(GTypeInfo) \
  F(GTypeQuery, type) \
  F(GTypeQuery, type_name) \
  F(GTypeQuery, class_size) \
  F(GTypeQuery, instance_size) \
  S(GTypeQuery) \
  F(GstAppSinkCallbacks, eos) \
  F(GstAppSinkCallbacks, new_preroll) \
  F(GstAppSinkCallbacks, new_sample) \
  F(GstAppSinkCallbacks, new_event) \
  S(GstAppSinkCallbacks) \
  F(GstAppSrcCallbacks, need_data) \
  F(GstAppSrcCallbacks, enough_data) \
  F(GstAppSrcCallbacks, seek_data) \
  S(GstAppSrcCallbacks) \
  F(GParamSpecClass, value_validate) \
  F(GParamSpecClass, value_is_valid) \
  S(GParamSpecClass) \
  F(GParamSpecInt, minimum) \
  F(GParamSpecInt, maximum) \
  F(GParamSpecInt, default_value) \
  S(GParamSpecInt) \
  F(GParamSpecDouble, minimum) \
  F(GParamSpecDouble, maximum) \
  F(GParamSpecDouble, default_value) \
  S(GParamSpecDouble) \
  F(GParamSpec, value_type) \
  F(GParamSpecEnum, enum_class) \
  F(GParamSpecEnum, default_value) \
  S(GParamSpecEnum) \
  F(GValue, g_type) \
  F(GstValueTable, type) \
  F(GstValueTable, serialize) \
  F(GstValueTable, deserialize) \
  F(GstValueTable, deserialize_with_pspec) \
  S(GstValueTable) \
  F(GEnumValue, value) \
  F(GEnumValue, value_name) \
  F(GEnumValue, value_nick) \
  S(GEnumValue) \
  F(GFlagsValue, value) \
  F(GFlagsValue, value_name) \
  F(GFlagsValue, value_nick) \
  S(GFlagsValue) \
  F(GValue, g_type) \
  S(GValue) \
  F(GstVideoInfo, finfo) \
  F(GstVideoInfo, interlace_mode) \
  F(GstVideoInfo, flags) \
  F(GstVideoInfo, width) \
  F(GstVideoInfo, height) \
  F(GstVideoInfo, size) \
  F(GstVideoInfo, views) \
  F(GstVideoInfo, par_n) \
  F(GstVideoInfo, par_d) \
  F(GstVideoInfo, fps_n) \
  F(GstVideoInfo, fps_d) \
  F(GstVideoInfo, offset) \
  F(GstVideoInfo, stride) \
  S(GstVideoInfo) \
  F(GstVideoFormatInfo, format) \
  F(GstVideoFormatInfo, name) \
  F(GstVideoFormatInfo, flags) \
  F(GstVideoFormatInfo, n_components) \
  F(GstVideoFormatInfo, n_planes) \
  S(GstVideoFormatInfo) \
  F(GList, data) \
  F(GList, next) \
  F(GstMeta, flags) \
  F(GstMeta, info) \
  F(GstMetaInfo, api) \
  F(GstMetaInfo, transform_func) \
  F(GstMetaTransformCopy, region) \
  F(GstMetaTransformCopy, offset) \
  F(GstMetaTransformCopy, size) \
  S(GstMetaTransformCopy) \
  F(GstVideoMetaTransform, in_info) \
  F(GstVideoMetaTransform, out_info) \
  S(GstVideoMetaTransform) \
  F(GstVideoRegionOfInterestMeta, roi_type) \
  F(GstVideoRegionOfInterestMeta, id) \
  F(GstVideoRegionOfInterestMeta, parent_id) \
  F(GstVideoRegionOfInterestMeta, x) \
  F(GstVideoRegionOfInterestMeta, y) \
  F(GstVideoRegionOfInterestMeta, w) \
  F(GstVideoRegionOfInterestMeta, h) \
  F(GstVideoRegionOfInterestMeta, params) \
  S(GstVideoRegionOfInterestMeta) \
  F(GstVideoFrame, info) \
  F(GstVideoFrame, flags) \
  F(GstVideoFrame, buffer) \
  F(GstVideoFrame, data) \
  F(GstVideoFrame, map) \
  S(GstVideoFrame) \
  F(GstPadProbeInfo, type) \
  F(GstPadProbeInfo, id) \
  F(GstPadProbeInfo, data) \
  F(GstPadProbeInfo, offset) \
  F(GstPadProbeInfo, size) \
  S(GstPadProbeInfo) \
  F(GstSegment, flags) \
  F(GstSegment, rate) \
  F(GstSegment, applied_rate) \
  F(GstSegment, format) \
  F(GstSegment, base) \
  F(GstSegment, offset) \
  F(GstSegment, start) \
  F(GstSegment, stop) \
  F(GstSegment, time) \
  F(GstSegment, position) \
  F(GstSegment, duration) \
  S(GstSegment) \
  V(GST_EVENT_FLUSH_START) \
  V(GST_EVENT_FLUSH_STOP) \
  V(GST_EVENT_EOS) \
  V(GST_EVENT_CAPS) \
  V(GST_EVENT_RECONFIGURE) \
  V(GST_QUERY_LATENCY) \
  V(GST_QUERY_ALLOCATION) \
  V(GST_QUERY_ACCEPT_CAPS) \
  V(GST_QUERY_CAPS)

#define OVGST_ENTRY_F(T, m) { #T "." #m, (long) offsetof (T, m) },
#define OVGST_ENTRY_S(T) { "sizeof " #T, (long) sizeof (T) },
#define OVGST_NAME_F(T, m) #T "." #m "\n"
#define OVGST_NAME_S(T) "sizeof " #T "\n"
#define OVGST_ENTRY_V(C) { #C, (long) (C) },
#define OVGST_NAME_V(C) #C "\n"

static const struct
{
  const char *name;
  long value;
} ovgst_layout_table[] = { OVGST_LAYOUT_TABLE (OVGST_ENTRY_F, OVGST_ENTRY_S, OVGST_ENTRY_V) };

static const char ovgst_layout_all_names[] = OVGST_LAYOUT_TABLE (OVGST_NAME_F, OVGST_NAME_S, OVGST_NAME_V);

OVGST_EXPORT long
ovgst_layout (const char *name)
{
  size_t i;
  if (name == NULL)
    return -1;
  for (i = 0; i < G_N_ELEMENTS (ovgst_layout_table); i++)
    if (strcmp (ovgst_layout_table[i].name, name) == 0)
      return ovgst_layout_table[i].value;
  return -1;
}

OVGST_EXPORT const char *
ovgst_layout_names (void)
{
  return ovgst_layout_all_names;
}
