package uz.himoya.webhook;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A reply body read up to a cap, so a system (or whatever answers at its address) cannot make Himoya hold an
 * unbounded body in memory. Over the cap, reading stops and the body counts as too large. A cap of zero
 * reads nothing: replies other than 200 are judged by their status alone.
 */
final class CappedBody implements HttpResponse.BodySubscriber<CappedBody.Result> {
    record Result(byte[] bytes, boolean tooLarge) {
    }

    private final int cap;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(int cap) {
        this.cap = cap;
    }

    @Override
    public CompletionStage<Result> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cap == 0) {
            s.cancel();
            result.complete(new Result(new byte[0], false));
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            if ((long) out.size() + b.remaining() > cap) {
                subscription.cancel();
                result.complete(new Result(new byte[0], true));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            out.writeBytes(chunk);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(new Result(out.toByteArray(), false));
    }
}
