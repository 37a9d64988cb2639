package org.ovgst.infer.engine;

import java.lang.System.Logger.Level;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The results side of one {@link InferenceEngine}: ordered release. Every frame and marker the
 * engine accepted waits here in submission order ({@link DeliveryOrder}) and goes to the
 * {@link ResultSink} as soon as it and everything before it are done: from the delivery thread
 * with {@code async}, on the submitting thread otherwise ({@link #deliverReady}). A request that
 * finished before an earlier one is held (it stays out of the pool) until its frames' turn; the
 * first engine to hand out one of its frames learns whether it succeeded (OpenVINO's callback is not
 * told), and the request goes back to the pool once every frame in it is out. The delivery thread
 * also starts a batch still being filled once it has waited its batch wait. What the sink throws is
 * kept for the engine's next call.
 *
 * <p>Shares the lock of the model instance with its engine; a method said to be under the lock
 * expects its caller to hold it. The engine is the owner of its frames in the requests
 * ({@link RequestSlot#reserve}).
 */
final class Delivery<T> {
    private static final System.Logger LOG = System.getLogger(Delivery.class.getName());

    private final Object owner;
    private final ModelInstance instance;
    private final ResultSink<T> sink;
    private final String modelName;
    private final ReentrantLock lock;
    /** An entry was handed out, or the engine was released: drain and flush wait on it. */
    private final Condition progress;
    private final Condition orderAdded;
    private final DeliveryOrder order = new DeliveryOrder();
    private final ResultsView results = new ResultsView();
    private final Thread thread;

    // Guarded by lock.
    /** Entries with a lower sequence number are discarded, not delivered (set by flush). */
    private long discardBelow;
    private boolean closing;
    private Throwable sinkFailure;
    /** Requests of the pool that hold frames of this engine not yet handed out; at most the pool's share. */
    private int held;

    /** The longest a batch waits for its frames before it runs partly filled, ns; 0: until full. */
    private volatile long batchWait;
    /** The thread inside a Sink call, to refuse re-entrant calls that would deadlock. */
    private volatile Thread sinkThread;

    Delivery(Object owner, ModelInstance instance, ResultSink<T> sink) {
        this.owner = owner;
        this.instance = instance;
        this.sink = sink;
        this.modelName = instance.modelName();
        this.lock = instance.lock;
        this.progress = lock.newCondition();
        this.orderAdded = lock.newCondition();
        EngineSettings settings = instance.settings();
        if (settings.async()) {
            thread = new Thread(this::deliveryLoop, "ovgst-delivery-" + settings.model().getFileName());
            thread.setDaemon(true);
        } else {
            thread = null;
        }
    }

    /** Starts the delivery thread ({@code async}). */
    void start() {
        if (thread != null) {
            thread.start();
        }
    }

    // ------------------------------------------------------------------------------------------
    // What the engine accepted (under the lock)

    /**
     * Reserves the frame's place in the batch being filled and queues it: returns its index there.
     * Under the lock.
     */
    int add(T tag, RequestSlot slot) {
        if (!slot.holds(owner)) {
            held++;
        }
        int index = slot.reserve(owner);
        order.add(tag, slot, index);
        orderAdded.signal();
        return index;
    }

    /** Queues a marker. Under the lock. */
    void addMarker(T tag) {
        order.add(tag, null, 0);
        orderAdded.signal();
    }

    /** The requests that hold frames of this engine not yet handed out. Under the lock. */
    int held() {
        return held;
    }

    /** The sequence number the next entry will get. Under the lock. */
    long nextSeq() {
        return order.nextSeq();
    }

    /**
     * Makes everything queued so far be discarded rather than delivered; returns the sequence number
     * that ends it. Under the lock.
     */
    long discardQueued() {
        discardBelow = order.nextSeq();
        return discardBelow;
    }

    /** Whether every entry before {@code seq} has been handed out. Under the lock. */
    boolean handedOutBelow(long seq) {
        return order.headSeq() >= seq;
    }

    /** Waits until an entry is handed out or {@link #wake} is called. Under the lock. */
    void awaitProgress() throws InterruptedException {
        progress.await();
    }

    void awaitProgressUninterruptibly() {
        progress.awaitUninterruptibly();
    }

    /** Wakes whoever waits in {@link #awaitProgress}. Under the lock. */
    void wake() {
        progress.signalAll();
    }

    /** How long a batch may wait for its frames before the delivery thread starts it, ns (0: until full). */
    void setBatchWait(long nanos) {
        batchWait = Math.max(0, nanos);
        lock.lock();
        try {
            instance.slotDone.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Handing out

    /**
     * Whether the head entry can be handed out: a marker, a frame whose request finished (or never
     * runs), or a flushed frame in a batch that has not started (its data was copied, so nothing
     * reads the frame's memory). Under the lock.
     */
    private boolean headReady() {
        RequestSlot slot = order.headSlot();
        return slot == null || slot.ran || (order.headSeq() < discardBelow && !slot.started);
    }

    /** The delivery thread: takes the oldest entry, waits until it can go, hands it out. */
    private void deliveryLoop() {
        try {
            while (true) {
                Object tag;
                RequestSlot slot;
                int index;
                long seq;
                RequestSlot overdue = null;
                lock.lock();
                try {
                    while (order.isEmpty() && !closing) {
                        orderAdded.awaitUninterruptibly();
                    }
                    if (order.isEmpty()) {
                        return;
                    }
                    while (!headReady() && overdue == null) {
                        overdue = awaitHead();
                    }
                    seq = order.headSeq();
                    tag = order.headTag();
                    slot = order.headSlot();
                    index = order.headIndex();
                } finally {
                    lock.unlock();
                }
                if (overdue != null) {
                    instance.start(overdue);
                    continue;
                }
                dispatch(tag, slot, index, seq);
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "ovgst: the delivery thread of " + modelName + " died", t);
            recordSinkFailure(t);
        }
    }

    /**
     * Waits for the head entry's request to finish. When that request is the batch still being
     * filled and it has waited {@link #batchWait} since its first frame, closes it and returns it if
     * this thread is to start it (otherwise its last writer does). Under the lock.
     */
    private RequestSlot awaitHead() {
        RequestSlot head = order.headSlot();
        RequestPool pool = head.pool;
        long wait = batchWait;
        if (wait == 0 || head != pool.filling) {
            instance.slotDone.awaitUninterruptibly();
            return null;
        }
        long left = head.openedAt + wait - System.nanoTime();
        if (left > 0) {
            try {
                instance.slotDone.awaitNanos(left);
            } catch (InterruptedException e) {
                // Nobody interrupts the delivery thread; its waits end by signals and the deadline.
            }
            return null;
        }
        pool.filling = null;
        head.startWanted = true;
        return head.claimStart() ? head : null;
    }

    /** Sync mode, on the caller's thread: delivers every entry that can go. */
    void deliverReady() {
        while (true) {
            Object tag;
            RequestSlot slot;
            int index;
            long seq;
            lock.lock();
            try {
                if (order.isEmpty() || !headReady()) {
                    return;
                }
                seq = order.headSeq();
                tag = order.headTag();
                slot = order.headSlot();
                index = order.headIndex();
            } finally {
                lock.unlock();
            }
            dispatch(tag, slot, index, seq);
        }
    }

    /** Hands the head entry to the Sink, then removes it and lets its request go back to the pool when it was the last. */
    @SuppressWarnings("unchecked")
    private void dispatch(Object tag, RequestSlot slot, int index, long seq) {
        boolean discard;
        lock.lock();
        try {
            discard = seq < discardBelow || (slot != null && slot.dropped);
        } finally {
            lock.unlock();
        }
        if (slot != null && !discard) {
            slot.learnOutcome();
        }
        sinkThread = Thread.currentThread();
        try {
            if (discard) {
                sink.discard((T) tag);
            } else if (slot == null) {
                sink.deliver((T) tag, null);
            } else if (slot.error != null) {
                sink.fail((T) tag, slot.error);
            } else {
                results.open(slot, index);
                try {
                    sink.deliver((T) tag, results);
                } finally {
                    results.close();
                }
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "ovgst: the sink of " + modelName + " threw", t);
            recordSinkFailure(t);
        } finally {
            sinkThread = null;
        }
        lock.lock();
        try {
            order.removeHead();
            if (slot != null && instance.handedOut(slot, owner)) {
                held--;
            }
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------
    // The sink's failures, and the end

    private void recordSinkFailure(Throwable t) {
        lock.lock();
        try {
            if (sinkFailure == null) {
                sinkFailure = t;
            }
        } finally {
            lock.unlock();
        }
    }

    /** What the sink (or the delivery thread) threw since the last call, once; null when nothing. */
    Throwable takeSinkFailure() {
        lock.lock();
        try {
            Throwable failure = sinkFailure;
            sinkFailure = null;
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses a call that waits for deliveries when it comes from the Sink, which makes them. */
    void refuseFromSink(String what) {
        if (Thread.currentThread() == sinkThread) {
            throw new IllegalStateException(what + "() cannot be called from the Sink: it waits for deliveries"
                    + " that only this thread makes");
        }
    }

    /** Stops the delivery thread once the order is empty, and waits for it. */
    void stop() {
        if (thread == null || !thread.isAlive()) {
            return;
        }
        lock.lock();
        try {
            closing = true;
            orderAdded.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
