package org.sirensweep.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.Device;
import org.sirensweep.cuda.DeviceArrays;
import org.sirensweep.cuda.DeviceMatrix;
import org.sirensweep.cuda.DevicePassOps;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TrainingTargets;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.Memory;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.model.SirenPass;
import org.sirensweep.model.SupervisedLoss;
import org.sirensweep.model.Workspace;

/**
 * {@link PackSteps} on a GPU: everything stays on the device between the trainer's stops. One optimiser step (the
 * batch gather, the forward pass, the loss, the reverse pass, the divergence check, Adam, the step counter) is
 * recorded once per batch size as a graph and replayed (the first step of each size runs unrecorded, as a warm-up
 * that is also a step); the host only sends each run's step sizes and batch orders
 * and reads back its losses. A member whose loss is not finite is marked on the device and stops updating there.
 *
 * <p>Its arithmetic is the CPU engine's (the kernels round as the Java passes do; {@code KernelArithmeticTest}),
 * but the products are cuBLAS's and the loss sums run in another fixed order, so results agree with the CPU's to
 * float rounding; on one GPU model they are the same bits on every run.
 */
final class DevicePackSteps implements PackSteps {
    /** Most steps one run takes (or one epoch's, if more): its step sizes and losses are sized for this many. */
    static final int MAX_RUN_STEPS = 1024;
    /** Most batch-order entries one run sends (16 MB): shuffled runs of large images are cut to fit. */
    private static final long MAX_ORDER = 1L << 22;
    /** Partial sums per trial and loss term (a fixed order, the same on every run). */
    private static final int CHUNKS = 256;

    private final Device device;
    private final SirenConfig config;
    private final int pack;
    private final long stride;
    private final Siren[] hostNetworks;
    private final double[] learningRates;
    private final BatchSchedule[] schedules;
    private final int points;
    private final boolean shuffled;
    private final Supervision supervision;
    private final SirenPass.OutputAdjoints adjoints;
    private final DeviceArrays capacity;
    private final Map<Integer, Device.Graph> graphs = new HashMap<>();
    private final long parameters;
    private final long gradients;
    private final long firstMoments;
    private final long secondMoments;
    private final long alive;
    private final long cursor;
    private final long alphas;
    private final long losses;
    private final long partial;
    private final long starts;
    private final long coordinates;
    /** Target planes by loss-term slot (0 where the loss has no such term). */
    private final long[] targetPlanes;
    /** Epochs one run takes at most (the batch order's stride between epochs). */
    private final int runEpochs;
    /** The members' batch orders of a run, [member][epoch][position] (0 when no member shuffles). */
    private final long order;

    private final DeviceRenderer evaluator;

    /**
     * Steps for networks of {@code config} starting from {@code initial} parameters (one vector per member), with
     * the members' learning rates, batch schedules and the training targets; {@code hostNetworks} (or null) are
     * the members' networks on the host, which {@link #network} updates to the device's parameters.
     */
    DevicePackSteps(
            Device device,
            SirenConfig config,
            float[][] initial,
            Siren[] hostNetworks,
            double[] learningRates,
            BatchSchedule[] schedules,
            TrainingTargets targets,
            Supervision supervision) {
        this.device = device;
        this.config = config;
        this.pack = initial.length;
        this.stride = config.parameterCount();
        this.hostNetworks = hostNetworks;
        this.learningRates = learningRates;
        this.schedules = schedules;
        this.points = targets.points();
        this.supervision = supervision;
        this.adjoints = SupervisedLoss.adjoints(supervision);
        boolean anyShuffled = false;
        for (BatchSchedule schedule : schedules) {
            anyShuffled |= schedule.shuffles();
        }
        this.shuffled = anyShuffled;
        capacity = DeviceArrays.allocate(
                device, config, Derivatives.of(supervision), schedules[0].largestBatch(), true, pack);
        long parameterBytes = (long) Float.BYTES * pack * stride;
        parameters = device.allocate(parameterBytes);
        gradients = device.allocate(parameterBytes);
        firstMoments = device.allocate(parameterBytes);
        secondMoments = device.allocate(parameterBytes);
        float[] all = new float[Math.toIntExact(pack * stride)];
        for (int p = 0; p < pack; p++) {
            System.arraycopy(initial[p], 0, all, (int) (p * stride), (int) stride);
        }
        device.upload(parameters, all);
        alive = device.allocate((long) Integer.BYTES * pack);
        int[] ones = new int[pack];
        Arrays.fill(ones, 1);
        device.upload(alive, ones);
        cursor = device.allocate(Integer.BYTES);
        BatchSchedule batches = schedules[0];
        runEpochs = runEpochs(batches.batches(), points, pack, shuffled);
        long runSteps = (long) runEpochs * batches.batches();
        alphas = device.allocate(Float.BYTES * runSteps * pack);
        losses = device.allocate(Double.BYTES * runSteps * pack);
        order = shuffled ? device.allocate((long) Integer.BYTES * pack * runEpochs * points) : 0L;
        partial = device.allocate((long) Double.BYTES * SupervisedLoss.slots(config) * pack * CHUNKS);
        int[] batchStarts = new int[batches.batches()];
        for (int b = 1; b < batchStarts.length; b++) {
            batchStarts[b] = batchStarts[b - 1] + batches.batchSize(b - 1);
        }
        starts = device.allocate((long) Integer.BYTES * batchStarts.length);
        device.upload(starts, batchStarts);
        double[] xy = targets.coordinates();
        float[] planes = new float[2 * points];
        for (int i = 0; i < points; i++) {
            planes[i] = (float) xy[2 * i];
            planes[points + i] = (float) xy[2 * i + 1];
        }
        coordinates = upload(planes);
        targetPlanes = new long[SupervisedLoss.slots(config)];
        if (targets.values() != null) {
            targetPlanes[0] = upload(flatten(targets.values()));
        }
        for (int axis = 0; targets.gradients() != null && axis < 2; axis++) {
            targetPlanes[1 + axis] = upload(flatten(targets.gradients()[axis]));
        }
        if (targets.laplacians() != null) {
            targetPlanes[targetPlanes.length - 1] = upload(flatten(targets.laplacians()));
        }
        if (batches.isStatic()) {
            gatherBatch(capacity, 0); // the one batch, for every step
        }
        evaluator = new DeviceRenderer(device, config);
    }

    /**
     * Epochs one run takes at most: {@value #MAX_RUN_STEPS} steps' worth (one epoch if it has more), and for shuffled
     * batches no more than {@value #MAX_ORDER} batch-order entries' worth.
     */
    private static int runEpochs(int batches, int points, int pack, boolean shuffled) {
        long epochs = Math.max(1, MAX_RUN_STEPS / batches);
        if (shuffled) {
            epochs = Math.min(epochs, Math.max(1, MAX_ORDER / ((long) points * pack)));
        }
        return (int) epochs;
    }

    /**
     * The device bytes a training of a pack of {@code pack} takes: its arrays, the evaluator's, the parameters,
     * gradients and moments, the targets, the batch orders (if a member {@code shuffles}), and cuBLAS's workspace;
     * saturating.
     */
    static long plannedBytes(SirenConfig network, TrainingConfig config, int points, int pack, boolean shuffles) {
        int batch = Batches.largest(points, config.batchSize());
        long arrays = Memory.product(
                Workspace.elementsNeeded(network, Derivatives.of(config.supervision()), batch, true, pack),
                Float.BYTES);
        long evaluator = Memory.product(
                Workspace.elementsNeeded(network, Derivatives.ALL, Math.min(points, Renderer.CHUNK), false, 1),
                Float.BYTES);
        long parameterBuffers = Memory.product(Memory.product(network.parameterCount(), 4L * Float.BYTES), pack);
        long targets = Memory.product((long) points * (2 + 4L * network.outputs()), Float.BYTES);
        int batches = Batches.count(points, config.batchSize());
        long order = !shuffles || batches == 1
                ? 0
                : Memory.product(
                        Memory.product((long) points * pack, runEpochs(batches, points, pack, true)), Integer.BYTES);
        return Memory.sum(
                Memory.sum(Memory.sum(arrays, evaluator), Memory.sum(parameterBuffers, targets)),
                Memory.sum(order, CudaDevice.WORKSPACE_BYTES));
    }

    private static float[] flatten(double[][] planes) {
        float[] flat = new float[planes.length * planes[0].length];
        for (int c = 0; c < planes.length; c++) {
            for (int i = 0; i < planes[c].length; i++) {
                flat[c * planes[c].length + i] = (float) planes[c][i];
            }
        }
        return flat;
    }

    private long upload(float[] values) {
        long address = device.allocate((long) Float.BYTES * values.length);
        device.upload(address, values);
        return address;
    }

    @Override
    public int runEnd(int epoch, int limit) {
        return (int) Math.min(limit, (long) epoch + runEpochs - 1);
    }

    @Override
    public void run(int first, int last, long firstStep, Listener listener) {
        BatchSchedule batches = schedules[0];
        int epochs = last - first + 1;
        if (epochs < 1 || epochs > runEpochs) {
            throw new IllegalArgumentException("a run of " + epochs + " epochs; at most " + runEpochs);
        }
        long start = System.nanoTime();
        int steps = epochs * batches.batches();
        float[] stepSizes = new float[steps * pack];
        for (int s = 0; s < steps; s++) {
            for (int p = 0; p < pack; p++) {
                stepSizes[s * pack + p] = AdamOptimizer.stepSize(learningRates[p], firstStep + s);
            }
        }
        device.upload(alphas, stepSizes);
        if (shuffled) {
            uploadOrder(first, epochs);
        }
        device.upload(cursor, new int[] {0});
        for (int s = 0; s < steps; s++) {
            step(batches.batchSize(s % batches.batches()));
        }
        double[] runLosses = device.downloadDoubles(losses, steps * pack);
        long nanos = (System.nanoTime() - start) / steps;
        for (int s = 0; s < steps; s++) {
            if (!listener.step(firstStep + s, Arrays.copyOfRange(runLosses, s * pack, (s + 1) * pack), nanos)) {
                return;
            }
            if ((s + 1) % batches.batches() == 0) {
                listener.epochEnd(first + s / batches.batches());
            }
        }
    }

    /** The members' batch orders for epochs {@code first ..}, at [member][epoch of the run][position]. */
    private void uploadOrder(int first, int epochs) {
        int[] values = new int[(int) ((long) pack * runEpochs * points)];
        BatchSchedule layout = schedules[0];
        for (int p = 0; p < pack; p++) {
            for (int e = 0; e < epochs; e++) {
                schedules[p].beginEpoch(first + e);
                int at = (p * runEpochs + e) * points;
                for (int b = 0; b < layout.batches(); b++) {
                    for (int r = 0; r < layout.batchSize(b); r++) {
                        values[at++] = schedules[p].point(b, r);
                    }
                }
            }
        }
        device.upload(order, values);
    }

    /**
     * One step on batches of {@code rows} points: the first of each batch size launched one call at a time (cuBLAS
     * loads its kernels and picks its algorithms at a first call, outside any recording) and then recorded as a
     * graph, which every later step of that size replays.
     */
    private void step(int rows) {
        Device.Graph graph = graphs.get(rows);
        if (graph != null) {
            graph.launch();
            return;
        }
        DeviceArrays ws = capacity.resized(rows);
        step(ws);
        graphs.put(rows, device.capture(() -> step(ws)));
    }

    /** One optimiser step on {@code ws}, every launch in order (what a graph records). */
    private void step(DeviceArrays ws) {
        if (!schedules[0].isStatic()) {
            gatherBatch(ws, shuffled ? order : 0L);
        }
        DevicePassOps ops = new DevicePassOps(device, ws, parameters, gradients, stride);
        SirenPass.forward(ws, ops);
        int terms = 0;
        for (SupervisedLoss.Term<DeviceMatrix> term : SupervisedLoss.terms(supervision, ws)) {
            long n = (long) term.output().rows() * term.output().columns();
            device.launch(
                    "residual",
                    n,
                    n,
                    term.output().address(),
                    term.target().address(),
                    term.adjoint().address(),
                    (float) term.adjointScale());
            device.launch(
                    "squares_partial",
                    (long) pack * CHUNKS,
                    (long) ws.rows() * config.outputs(),
                    (long) pack,
                    (long) CHUNKS,
                    term.output().address(),
                    term.target().address(),
                    partial + (long) Double.BYTES * term.slot() * pack * CHUNKS);
            terms |= term.slot() == 0 ? 1 : term.slot() == SupervisedLoss.slots(config) - 1 ? 4 : 2;
        }
        device.launch(
                "loss_combine",
                pack,
                (long) pack,
                (long) CHUNKS,
                partial,
                terms,
                (double) ws.rows(),
                (double) config.outputs(),
                SupervisedLoss.gradientWeight(supervision),
                losses,
                cursor);
        device.launch("check_alive", pack, (long) pack, losses, cursor, alive);
        SirenPass.backward(ws, ops, adjoints);
        device.launch(
                "adam_update",
                pack * stride,
                stride,
                (long) pack,
                parameters,
                gradients,
                firstMoments,
                secondMoments,
                alphas,
                cursor,
                alive,
                AdamOptimizer.BETA1,
                AdamOptimizer.BETA2,
                AdamOptimizer.ONE_MINUS_BETA1,
                AdamOptimizer.ONE_MINUS_BETA2,
                AdamOptimizer.EPSILON);
        device.launch("advance", 1, cursor);
    }

    /** The launches that gather the batch at the step cursor into {@code ws}: coordinates and every target. */
    private void gatherBatch(DeviceArrays ws, long orderAddress) {
        gather(ws.rows(), 2, orderAddress, coordinates, ws.input());
        for (SupervisedLoss.Term<DeviceMatrix> term : SupervisedLoss.terms(supervision, ws)) {
            gather(ws.rows(), config.outputs(), orderAddress, targetPlanes[term.slot()], term.target());
        }
    }

    private void gather(int rows, int columns, long orderAddress, long planes, DeviceMatrix dst) {
        device.launch(
                "gather",
                (long) rows * columns * pack,
                (long) rows,
                (long) columns,
                (long) pack,
                (long) points,
                (long) schedules[0].batches(),
                (long) runEpochs,
                starts,
                orderAddress,
                cursor,
                planes,
                dst.address());
    }

    @Override
    public float[] parameters(int p) {
        return device.downloadFloats(parameters + (long) Float.BYTES * p * stride, (int) stride);
    }

    @Override
    public float[] optimizerState(int p) {
        float[] state = new float[(int) (2 * stride)];
        System.arraycopy(
                device.downloadFloats(firstMoments + (long) Float.BYTES * p * stride, (int) stride), 0, state, 0, (int)
                        stride);
        System.arraycopy(
                device.downloadFloats(secondMoments + (long) Float.BYTES * p * stride, (int) stride),
                0,
                state,
                (int) stride,
                (int) stride);
        return state;
    }

    @Override
    public void restore(int p, float[] saved, float[] optimizerState) {
        if (saved.length != stride || optimizerState.length != 2 * stride) {
            throw new IllegalArgumentException(
                    "the saved training state has " + saved.length + " parameters, this network " + stride);
        }
        long at = (long) Float.BYTES * p * stride;
        device.upload(parameters + at, saved);
        device.upload(firstMoments + at, Arrays.copyOfRange(optimizerState, 0, (int) stride));
        device.upload(secondMoments + at, Arrays.copyOfRange(optimizerState, (int) stride, (int) (2 * stride)));
    }

    @Override
    public Rendering render(int p, int height, int width) {
        return evaluator.render(parameters + (long) Float.BYTES * p * stride, height, width);
    }

    @Override
    public Siren network(int p) {
        if (hostNetworks == null) {
            throw new IllegalStateException("these steps have no host networks");
        }
        Siren host = hostNetworks[p];
        host.assignFloats(parameters(p));
        return host;
    }

    @Override
    public void close() {
        graphs.values().forEach(Device.Graph::close);
        graphs.clear();
        capacity.close();
        evaluator.close();
        for (long address : new long[] {
            parameters,
            gradients,
            firstMoments,
            secondMoments,
            alive,
            cursor,
            alphas,
            losses,
            partial,
            starts,
            coordinates,
            order
        }) {
            if (address != 0) {
                device.free(address);
            }
        }
        for (long address : targetPlanes) {
            if (address != 0) {
                device.free(address);
            }
        }
    }
}
