/* Metrics: counters, histograms, bus counters and the exact Prometheus
 * text they produce. */
#include <pthread.h>
#include <string.h>

#include "nitro/core.h"
#include "t.h"

static nitro_counter *shared;

static void *adder(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10000; i++)
		nitro_counter_add(shared, 1);
	return NULL;
}

int main(void)
{
	nitro_buf b = NITRO_BUF_INIT;
	nitro_counter *c, *c2;
	nitro_histogram *h;
	nitro_bus *bus = nitro_bus_new(NULL);
	pthread_t th[4];

	c = nitro_counter_get("app_jobs_total", "Jobs run.", "kind=\"mail\"");
	T_OK(c != NULL, "counter");
	nitro_counter_add(c, 2);
	nitro_counter_add(c, 3);
	T_EQ_INT(nitro_counter_value(c), 5, "counter value");
	c2 = nitro_counter_get("app_jobs_total", "Jobs run.", "kind=\"mail\"");
	T_OK(c == c2, "same name and labels: same series");
	T_OK(nitro_counter_get("app_jobs_total", NULL, "kind=\"sms\"") != c, "other labels");
	T_OK(nitro_counter_get("9bad", NULL, NULL) == NULL, "bad name");
	T_OK(nitro_counter_get("ok_name", NULL, "a=\"1\"\n") == NULL, "newline in labels");
	T_OK(nitro_histogram_get("app_jobs_total", NULL, "kind=\"mail\"") == NULL,
	    "one name, one type");

	h = nitro_histogram_get("app_wait_seconds", "Wait.", NULL);
	nitro_histogram_observe(h, 0.0004);
	nitro_histogram_observe(h, 0.003);
	nitro_histogram_observe(h, 20);
	nitro_histogram_observe(h, -1);

	nitro_bus_emit(bus, "x", NULL, NULL);
	T_EQ_INT(nitro_metrics_bus(bus, "main"), 0, "register a bus");
	T_EQ_INT(nitro_metrics_bus(bus, "bad\"label"), NITRO_EINVAL, "bad bus label");

	T_EQ_INT(nitro_metrics_write(&b), 0, "write");
	T_EQ_STR(b.data,
	    "# HELP app_jobs_total Jobs run.\n"
	    "# TYPE app_jobs_total counter\n"
	    "app_jobs_total{kind=\"mail\"} 5\n"
	    "app_jobs_total{kind=\"sms\"} 0\n"
	    "# HELP app_wait_seconds Wait.\n"
	    "# TYPE app_wait_seconds histogram\n"
	    "app_wait_seconds_bucket{le=\"0.0005\"} 2\n"
	    "app_wait_seconds_bucket{le=\"0.001\"} 2\n"
	    "app_wait_seconds_bucket{le=\"0.0025\"} 2\n"
	    "app_wait_seconds_bucket{le=\"0.005\"} 3\n"
	    "app_wait_seconds_bucket{le=\"0.01\"} 3\n"
	    "app_wait_seconds_bucket{le=\"0.025\"} 3\n"
	    "app_wait_seconds_bucket{le=\"0.05\"} 3\n"
	    "app_wait_seconds_bucket{le=\"0.1\"} 3\n"
	    "app_wait_seconds_bucket{le=\"0.25\"} 3\n"
	    "app_wait_seconds_bucket{le=\"0.5\"} 3\n"
	    "app_wait_seconds_bucket{le=\"1\"} 3\n"
	    "app_wait_seconds_bucket{le=\"2.5\"} 3\n"
	    "app_wait_seconds_bucket{le=\"5\"} 3\n"
	    "app_wait_seconds_bucket{le=\"10\"} 3\n"
	    "app_wait_seconds_bucket{le=\"+Inf\"} 4\n"
	    "app_wait_seconds_sum 20.003400000\n"
	    "app_wait_seconds_count 4\n"
	    "# HELP nitro_events_emitted_total Events emitted.\n"
	    "# TYPE nitro_events_emitted_total counter\n"
	    "nitro_events_emitted_total{bus=\"main\"} 1\n"
	    "# HELP nitro_events_handled_total Handler calls that succeeded.\n"
	    "# TYPE nitro_events_handled_total counter\n"
	    "nitro_events_handled_total{bus=\"main\"} 0\n"
	    "# HELP nitro_events_failed_total Handler calls that failed.\n"
	    "# TYPE nitro_events_failed_total counter\n"
	    "nitro_events_failed_total{bus=\"main\"} 0\n"
	    "# HELP nitro_events_vetoed_total Events a handler stopped.\n"
	    "# TYPE nitro_events_vetoed_total counter\n"
	    "nitro_events_vetoed_total{bus=\"main\"} 0\n"
	    "# HELP nitro_events_dropped_total Async emits refused: queue full.\n"
	    "# TYPE nitro_events_dropped_total counter\n"
	    "nitro_events_dropped_total{bus=\"main\"} 0\n"
	    "# HELP nitro_events_queue_depth Async events waiting.\n"
	    "# TYPE nitro_events_queue_depth gauge\n"
	    "nitro_events_queue_depth{bus=\"main\"} 0\n",
	    "exact Prometheus text");

	nitro_metrics_request("GET", 200, 0.002);
	nitro_metrics_request("BREW", 999, 0.002);
	nitro_metrics_request(NULL, 600, 0.002);
	nitro_metrics_request("PUT", 404, 0.002);
	nitro_metrics_request("PUT", 404, 0.002);	/* the kept series */
	nitro_buf_reset(&b);
	nitro_metrics_write(&b);
	T_OK(strstr(b.data, "nitro_http_requests_total{method=\"GET\",status=\"200\"} 1\n") != NULL,
	    "request counter");
	T_OK(strstr(b.data, "nitro_http_requests_total{method=\"OTHER\",status=\"0\"} 2\n") != NULL,
	    "unknown, missing method and status are folded");
	T_OK(strstr(b.data, "nitro_http_requests_total{method=\"PUT\",status=\"404\"} 2\n") != NULL,
	    "a second request of a kind counts in the same series");
	T_OK(strstr(b.data, "nitro_http_request_duration_seconds_bucket{method=\"GET\",le=\"0.0025\"} 1\n")
	    != NULL, "latency histogram with labels");

	shared = nitro_counter_get("app_race_total", NULL, NULL);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, adder, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	T_EQ_INT(nitro_counter_value(shared), 40000, "concurrent adds are exact");

	{
		char mem[16];
		nitro_buf small;

		nitro_buf_init_on(&small, mem, sizeof mem, 64);
		T_EQ_INT(nitro_metrics_write(&small), NITRO_ELIMIT, "a full buffer reports its error");
		nitro_buf_free(&small);
	}
	nitro_buf_free(&b);
	nitro_bus_free(bus);
	return t_done();
}
