package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.EntryNotFoundException;
import io.des.format.IndexEntry;
import io.des.format.ShardIndex;
import io.des.format.ShardReader;
import io.des.routing.CreatedAt;
import io.des.routing.InvalidCreatedAtException;
import io.des.tombstone.FileDeletedException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /files/batch}: many {@code (uid, created_at)} in one request, answered as NDJSON, one
 * line per item in request order, each with its own status. Items are located first, grouped by
 * shard, and each shard's items are fetched in parallel with nearby entries coalesced into one
 * ranged read. Bounded: at most {@code maxItems} items and {@code maxBytes} of content per batch;
 * an item beyond the byte budget or larger than the buffered limit gets 413 (fetch it with GET).
 */
@RestController
class BatchController implements DisposableBean {
  static final int MAX_ITEMS = 1000;
  static final long MAX_BYTES = 64L << 20;
  private static final long MAX_BODY_BYTES = 1L << 20;
  private static final int COALESCE_GAP = 64 << 10;
  private static final int COALESCE_SPAN = 8 << 20;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  record Item(String uid, String created_at) {}

  record BatchRequest(List<Item> items) {}

  private final ArchiveSource source;
  private final RetrieverProperties properties;
  private final MeterRegistry meters;
  private final ExecutorService fetchers = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "des-batch-fetch");
    t.setDaemon(true);
    return t;
  });

  BatchController(ArchiveSource source, RetrieverProperties properties, MeterRegistry meters) {
    this.source = source;
    this.properties = properties;
    this.meters = meters;
  }

  @PostMapping(path = "/files/batch", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<StreamingResponseBody> batch(@RequestBody BatchRequest request, HttpServletRequest http) {
    if (http.getContentLengthLong() > MAX_BODY_BYTES) {
      throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "Batch request body larger than " + MAX_BODY_BYTES + " bytes");
    }
    if (request == null || request.items() == null || request.items().isEmpty()) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "items must be a non-empty list");
    }
    if (request.items().size() > MAX_ITEMS) {
      throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "At most " + MAX_ITEMS + " items per batch, got " + request.items().size());
    }
    List<Item> items = request.items();
    @SuppressWarnings("unchecked")
    Map<String, Object>[] lines = new Map[items.size()];
    List<CompletableFuture<Void>> fetches = fetch(items, lines);
    StreamingResponseBody body = out -> {
      for (int i = 0; i < items.size(); i++) {
        if (fetches.get(i) != null) {
          fetches.get(i).join();
        }
        out.write(JSON.writeValueAsBytes(lines[i]));
        out.write('\n');
      }
    };
    meters.counter("des.batch.requests").increment();
    meters.counter("des.batch.items").increment(items.size());
    return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson")).body(body);
  }

  /** Locates every item, then reads each shard's items together; fills one line per item. */
  private List<CompletableFuture<Void>> fetch(List<Item> items, Map<String, Object>[] lines) {
    Map<ShardIndex, List<Integer>> byShard = new IdentityHashMap<>();
    Map<ShardIndex, ShardReader> readers = new IdentityHashMap<>();
    IndexEntry[] entries = new IndexEntry[items.size()];
    long budget = MAX_BYTES;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("uid", item.uid());
      line.put("created_at", item.created_at());
      lines[i] = line;
      if (item.uid() == null || item.uid().isEmpty() || item.created_at() == null) {
        status(line, 400, "uid and created_at are required");
        continue;
      }
      try {
        CreatedAt when = CreatedAt.parse(item.created_at());
        Archive.Located located = source.read(item.uid(), when, archive -> archive.locate(item.uid(), when));
        long size = located.entry().contentSize();
        if (size > properties.maxBufferedBytes() || size > budget) {
          status(line, 413, size > properties.maxBufferedBytes()
              ? "File too large for a batch; fetch it with GET" : "Batch byte budget spent; fetch it with GET or in another batch");
          continue;
        }
        budget -= size;
        entries[i] = located.entry();
        readers.putIfAbsent(located.shard().index(), located.shard());
        byShard.computeIfAbsent(located.shard().index(), k -> new ArrayList<>()).add(i);
      } catch (InvalidCreatedAtException e) {
        status(line, 400, "Invalid created_at format");
      } catch (EntryNotFoundException | IllegalArgumentException e) {
        status(line, 404, "File not found");
      } catch (FileDeletedException e) {
        status(line, 410, "File deleted");
      } catch (ZonedArchiveSource.BackpressureException e) {
        status(line, 429, "Too many requests for this zone");
      } catch (IOException e) {
        status(line, 503, "Storage unavailable");
      }
    }
    List<CompletableFuture<Void>> perItem = new ArrayList<>(java.util.Collections.nCopies(items.size(), null));
    for (Map.Entry<ShardIndex, List<Integer>> group : byShard.entrySet()) {
      List<Integer> indexes = group.getValue();
      ShardReader reader = readers.get(group.getKey());
      CompletableFuture<Void> fetch = CompletableFuture.runAsync(() -> {
        List<IndexEntry> wanted = new ArrayList<>();
        for (int i : indexes) {
          wanted.add(entries[i]);
        }
        try {
          List<ShardReader.BatchItem> results = reader.readBatch(wanted, COALESCE_GAP, COALESCE_SPAN);
          for (int j = 0; j < indexes.size(); j++) {
            Map<String, Object> line = lines[indexes.get(j)];
            ShardReader.BatchItem result = results.get(j);
            if (result.error() != null) {
              status(line, 500, "Stored file is corrupt");
            } else {
              line.put("status", 200);
              line.put("size", result.content().length);
              line.put("content_base64", Base64.getEncoder().encodeToString(result.content()));
            }
          }
        } catch (IOException | RuntimeException e) {
          for (int i : indexes) {
            status(lines[i], 503, "Storage unavailable");
          }
        }
      }, fetchers);
      for (int i : indexes) {
        perItem.set(i, fetch);
      }
    }
    return perItem;
  }

  private static void status(Map<String, Object> line, int status, String detail) {
    line.put("status", status);
    line.put("detail", detail);
  }

  @Override
  public void destroy() {
    fetchers.shutdownNow();
  }
}
