//! The executor behind `fetch` answers still waiting on I/O: each is polled at once, then again right
//! inside each of its wake-ups (the promise callback that settled the I/O it waited on).
//!
//! wasm-bindgen's executor answers every wake-up by queueing a microtask (`queueMicrotask`) that polls
//! later. For a route that waits on storage a few times per request, that hop was the largest single
//! cost it had over the same route in a JavaScript worker (`bench/profile`, see bench/README.md).
//! Polling inside the wake-up also runs the task in the I/O context of the request whose promise
//! settled, rather than in whichever context the shared microtask happened to be queued from.
//!
//! Polls never nest: a wake-up that arrives while a task is being polled (a future that wakes itself or
//! another task, or spawns one) only queues the task, and the drain under way polls it once the current
//! poll has returned. A wake-up from Rust code outside this executor (none in this worker: its answers
//! wait on JavaScript promises and timers only) polls the task right there, like a nested call.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

/// Runs `future` to completion: polled now (or, when called from inside a poll, as soon as that poll
/// returns), and from then on inside each of its wake-ups.
pub fn spawn(future: impl Future<Output = ()> + 'static) {
    DRIVER.with(|driver| driver.spawn(Box::pin(future)));
}

thread_local! {
    static DRIVER: Driver = Driver::default();
}

type Task = Pin<Box<dyn Future<Output = ()>>>;

#[derive(Default)]
struct Driver {
    /// Every unfinished task, by id.
    tasks: RefCell<BTreeMap<u64, Slot>>,
    /// Woken tasks waiting for their poll, in the order they were woken.
    woken: RefCell<VecDeque<u64>>,
    /// Whether a drain is polling tasks further up the stack.
    draining: Cell<bool>,
    recovery_scheduled: Cell<bool>,
    next_id: Cell<u64>,
}

struct Slot {
    /// `None` while the task is being polled.
    future: Option<Task>,
    waker: Waker,
    /// Whether the task is in `woken` already: a second wake-up before the poll adds nothing.
    queued: bool,
}

/// Wakes task `.0`. The id, not the task, so the waker is `Send + Sync` as `Waker` requires without
/// claiming that of the single-threaded task.
struct TaskWaker(u64);

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Fails only while the thread is ending, when nothing is left to poll.
        let _ = DRIVER.try_with(|driver| driver.wake(self.0));
    }
}

impl Driver {
    fn spawn(&self, future: Task) {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let waker = Waker::from(Arc::new(TaskWaker(id)));
        self.tasks.borrow_mut().insert(id, Slot { future: Some(future), waker, queued: false });
        self.wake(id);
    }

    fn wake(&self, id: u64) {
        {
            let mut tasks = self.tasks.borrow_mut();
            // A finished task's leftover waker (still held by the I/O it last waited on) wakes nothing.
            let Some(slot) = tasks.get_mut(&id) else { return };
            if std::mem::replace(&mut slot.queued, true) {
                return;
            }
        }
        self.woken.borrow_mut().push_back(id);
        if !self.draining.get() {
            self.drain();
        } else if !self.recovery_scheduled.replace(true) {
            schedule_recovery();
        }
    }

    /// Polls woken tasks until none is left, including those woken meanwhile.
    fn drain(&self) {
        self.draining.set(true);
        loop {
            let next = self.woken.borrow_mut().pop_front();
            let Some(id) = next else { break };
            self.poll(id);
        }
        self.draining.set(false);
    }

    fn poll(&self, id: u64) {
        let taken = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(&id) else { return };
            slot.queued = false;
            slot.future.take().map(|future| (future, slot.waker.clone()))
        };
        // Only a poll abandoned by an exception (see `recover`) leaves a task without its future.
        let Some((mut future, waker)) = taken else { return };
        let ready = future.as_mut().poll(&mut Context::from_waker(&waker)).is_ready();
        let mut tasks = self.tasks.borrow_mut();
        if ready {
            tasks.remove(&id);
        } else if let Some(slot) = tasks.get_mut(&id) {
            slot.future = Some(future);
        }
        // The borrow ends before `future` is dropped: dropping a finished future may wake another task.
        drop(tasks);
    }

    /// Runs in a microtask after a wake-up queued during a drain. A drain never outlives the JavaScript
    /// task it runs in, so one still marked as under way here was abandoned: a JavaScript exception
    /// thrown through a poll skips the code that ends it. Draining again keeps every later wake-up from
    /// waiting forever behind it.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "natively, only the unit tests recover"))]
    fn recover(&self) {
        self.recovery_scheduled.set(false);
        if self.draining.get() {
            self.drain();
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn schedule_recovery() {
    wasm_bindgen_futures::spawn_local(async { DRIVER.with(Driver::recover) });
}

/// Outside wasm only the unit tests drive tasks; they run the recovery themselves.
#[cfg(not(target_arch = "wasm32"))]
fn schedule_recovery() {
    RECOVERIES_SCHEDULED.with(|count| count.set(count.get() + 1));
}

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    static RECOVERIES_SCHEDULED: Cell<u32> = const { Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::future::{poll_fn, Future};
    use std::rc::Rc;
    use std::task::{Poll, Waker};

    use super::{spawn, Driver, DRIVER, RECOVERIES_SCHEDULED};

    /// I/O the test settles by hand, as a promise callback would: from outside any poll.
    #[derive(Default, Clone)]
    struct Gate(Rc<RefCell<(bool, Option<Waker>)>>);

    impl Gate {
        fn wait(&self) -> impl Future<Output = ()> {
            let gate = self.clone();
            poll_fn(move |cx| {
                let mut state = gate.0.borrow_mut();
                if state.0 {
                    return Poll::Ready(());
                }
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            })
        }

        fn open(&self) {
            let waker = {
                let mut state = self.0.borrow_mut();
                state.0 = true;
                state.1.take()
            };
            waker.into_iter().for_each(Waker::wake);
        }
    }

    /// Records the events of a test in order, and how deeply polls nested.
    #[derive(Default, Clone)]
    struct Trace {
        events: Rc<RefCell<Vec<&'static str>>>,
        depth: Rc<Cell<u32>>,
        deepest: Rc<Cell<u32>>,
    }

    impl Trace {
        fn note(&self, event: &'static str) {
            self.events.borrow_mut().push(event);
        }

        fn events(&self) -> Vec<&'static str> {
            self.events.borrow().clone()
        }

        /// Wraps a future so each of its polls is counted in the nesting depth.
        fn watched<F: Future<Output = ()> + 'static>(&self, future: F) -> impl Future<Output = ()> {
            let (trace, mut future) = (self.clone(), Box::pin(future));
            poll_fn(move |cx| {
                trace.depth.set(trace.depth.get() + 1);
                trace.deepest.set(trace.deepest.get().max(trace.depth.get()));
                let poll = future.as_mut().poll(cx);
                trace.depth.set(trace.depth.get() - 1);
                poll
            })
        }
    }

    fn unfinished_tasks() -> usize {
        DRIVER.with(|driver| driver.tasks.borrow().len())
    }

    fn recoveries_scheduled() -> u32 {
        RECOVERIES_SCHEDULED.with(Cell::get)
    }

    #[test]
    fn a_ready_future_finishes_within_spawn() {
        let trace = Trace::default();
        let inner = trace.clone();
        spawn(async move { inner.note("done") });
        assert_eq!(trace.events(), ["done"]);
        assert_eq!(unfinished_tasks(), 0);
    }

    #[test]
    fn a_waiting_future_goes_on_inside_the_wake_up_that_settles_its_io() {
        let (trace, gate) = (Trace::default(), Gate::default());
        let (inner, waiting) = (trace.clone(), gate.clone());
        spawn(async move {
            inner.note("waiting");
            waiting.wait().await;
            inner.note("done");
        });
        assert_eq!(trace.events(), ["waiting"]);
        gate.open();
        assert_eq!(trace.events(), ["waiting", "done"], "finished before `open` returned");
        assert_eq!(unfinished_tasks(), 0);
        assert_eq!(recoveries_scheduled(), 0, "no wake-up came during a poll");
    }

    #[test]
    fn a_future_that_wakes_itself_is_polled_again_after_its_poll_returns() {
        let trace = Trace::default();
        let (inner, polls) = (trace.clone(), Rc::new(Cell::new(0)));
        let yield_once = poll_fn(move |cx| {
            polls.set(polls.get() + 1);
            if polls.get() == 1 {
                cx.waker().wake_by_ref();
                inner.note("woke itself");
                return Poll::Pending;
            }
            inner.note("polled again");
            Poll::Ready(())
        });
        spawn(trace.watched(yield_once));
        assert_eq!(trace.events(), ["woke itself", "polled again"]);
        assert_eq!(trace.deepest.get(), 1, "polls never nest");
        assert_eq!(unfinished_tasks(), 0);
    }

    #[test]
    fn a_task_woken_by_another_tasks_poll_waits_for_that_poll_to_return() {
        let (trace, gate) = (Trace::default(), Gate::default());
        let (inner, waiting) = (trace.clone(), gate.clone());
        spawn(trace.watched(async move {
            waiting.wait().await;
            inner.note("woken task ran");
        }));
        let inner = trace.clone();
        spawn(trace.watched(async move {
            gate.open();
            inner.note("waking task returned");
        }));
        assert_eq!(trace.events(), ["waking task returned", "woken task ran"]);
        assert_eq!(trace.deepest.get(), 1, "polls never nest");
        assert_eq!(unfinished_tasks(), 0);
        assert_eq!(recoveries_scheduled(), 1, "a recovery stands by for a drain that would not end");
        DRIVER.with(Driver::recover);
        assert_eq!(trace.events().len(), 2, "the drain had ended: the recovery polls nothing");
    }

    #[test]
    fn a_task_spawned_during_a_poll_runs_after_that_poll() {
        let trace = Trace::default();
        let inner = trace.clone();
        spawn(trace.watched(async move {
            let spawned = inner.clone();
            spawn(async move { spawned.note("spawned task ran") });
            inner.note("spawning task returned");
        }));
        assert_eq!(trace.events(), ["spawning task returned", "spawned task ran"]);
        assert_eq!(unfinished_tasks(), 0);
    }

    #[test]
    fn wake_ups_before_a_poll_make_one_poll() {
        let (polls, woken) = (Rc::new(Cell::new(0)), Rc::new(RefCell::new(None::<Waker>)));
        let (counted, keep) = (Rc::clone(&polls), Rc::clone(&woken));
        spawn(poll_fn(move |cx| {
            counted.set(counted.get() + 1);
            *keep.borrow_mut() = Some(cx.waker().clone());
            Poll::<()>::Pending
        }));
        assert_eq!(polls.get(), 1);
        let waker = woken.borrow().clone().expect("the task kept its waker");
        spawn(async move {
            waker.wake_by_ref();
            waker.wake_by_ref();
            waker.wake();
        });
        assert_eq!(polls.get(), 2, "three wake-ups during one poll, one poll after it");
        assert_eq!(unfinished_tasks(), 1, "the first task still waits");
    }

    #[test]
    fn a_finished_tasks_waker_wakes_nothing() {
        let kept = Rc::new(RefCell::new(None::<Waker>));
        let keep = Rc::clone(&kept);
        spawn(poll_fn(move |cx| {
            *keep.borrow_mut() = Some(cx.waker().clone());
            Poll::Ready(())
        }));
        assert_eq!(unfinished_tasks(), 0);
        kept.borrow_mut().take().expect("the task kept its waker").wake();
        assert_eq!(unfinished_tasks(), 0);
    }

    #[test]
    fn the_recovery_resumes_after_a_drain_an_exception_abandoned() {
        // What a JavaScript exception thrown through a poll leaves behind: a drain that never ended.
        DRIVER.with(|driver| driver.draining.set(true));
        let trace = Trace::default();
        let inner = trace.clone();
        spawn(async move { inner.note("done") });
        assert!(trace.events().is_empty(), "queued behind the abandoned drain");
        assert_eq!(recoveries_scheduled(), 1);
        DRIVER.with(Driver::recover);
        assert_eq!(trace.events(), ["done"]);
        assert!(!DRIVER.with(|driver| driver.draining.get()));
        assert_eq!(unfinished_tasks(), 0);
    }
}
