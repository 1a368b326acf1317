//! The chunks a window holds: each claimed chunk with the requests started from it and the
//! answers they got, counted the way `window_plan.rs` reads them, and merged for
//! settling (the chunks at the front, or all of them after a stop).

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use super::client::Answer;
use super::pacer::Limiter;
use super::send::{self, Sent};
use super::state::HookState;
use super::work::{Context, Work};
use crate::hooks::Hook;

/// One claimed chunk and what became of its deliveries so far.
pub struct Chunk {
    pub work: Work,
    /// The hook as claimed, shared by the chunk's requests.
    pub hook: Arc<Hook>,
    /// The hook's `rateLimit`.
    pub limiter: Option<Limiter>,
    /// Deliveries started, from the first.
    pub started: usize,
    /// Started and not answered yet.
    pub in_flight: usize,
    pub sent: Sent,
}

impl Chunk {
    /// A chunk just claimed, with the hook's limiter.
    pub fn claimed(context: &Context, work: Work) -> Self {
        let limiter = context.pacers.limiter(work.hook.id, work.hook.rate_limit);
        let hook = Arc::new(work.hook.clone());
        Self { work, hook, limiter, started: 0, in_flight: 0, sent: Vec::new() }
    }

    pub fn unstarted(&self) -> usize {
        self.work.deliveries.len() - self.started
    }

    /// Every delivery was started and has its answer.
    pub fn answered(&self) -> bool {
        self.unstarted() == 0 && self.in_flight == 0
    }

    /// The index of the next delivery to start; counted as in flight from now.
    pub fn start_next(&mut self) -> Option<usize> {
        let index = self.started;
        if index >= self.work.deliveries.len() {
            return None;
        }
        self.started += 1;
        self.in_flight += 1;
        Some(index)
    }
}

/// Claimed chunks in the order claimed, each known by a sequence number.
#[derive(Default)]
pub struct Chunks {
    held: VecDeque<Chunk>,
    /// The sequence number of the front chunk.
    front: u64,
}

impl Chunks {
    pub fn push(&mut self, chunk: Chunk) {
        self.held.push_back(chunk);
    }

    pub fn len(&self) -> usize {
        self.held.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Chunk> {
        self.held.iter()
    }

    /// The chunk claimed last.
    pub fn newest(&self) -> Option<&Chunk> {
        self.held.back()
    }

    /// The first chunk with a delivery not started yet, with its sequence number.
    pub fn next_to_start(&mut self) -> Option<(u64, &mut Chunk)> {
        let front = self.front;
        let (position, chunk) = self.held.iter_mut().enumerate().find(|(_, chunk)| chunk.unstarted() > 0)?;
        Some((front + position as u64, chunk))
    }

    /// The chunk numbered `sequence`, while it is held.
    pub fn get_mut(&mut self, sequence: u64) -> Option<&mut Chunk> {
        let position = usize::try_from(sequence.checked_sub(self.front)?).ok()?;
        self.held.get_mut(position)
    }

    /// How many chunks at the front have all their answers.
    pub fn answered(&self) -> usize {
        self.held.iter().take_while(|chunk| chunk.answered()).count()
    }

    /// The ids of every item held.
    pub fn item_ids(&self) -> HashSet<u64> {
        self.held.iter().flat_map(|chunk| chunk.work.item_ids()).collect()
    }

    /// Takes the first `count` chunks out.
    pub fn take_front(&mut self, count: usize) -> Vec<Chunk> {
        let count = count.min(self.held.len());
        self.front += count as u64;
        self.held.drain(..count).collect()
    }
}

/// What a settlement of merged chunks is given.
pub struct Merged {
    /// The deliveries sent, successes first (see [`send::arrange`]), from `state`.
    pub work: Work,
    pub answers: Vec<Answer>,
    /// Events in the deliveries that succeeded.
    pub events: usize,
}

/// Merges `chunks` (in the order claimed) into one settlement's input, starting from `state`:
/// deliveries never started stay queued.
pub fn merge(chunks: Vec<Chunk>, state: HookState) -> Option<Merged> {
    let mut chunks = chunks.into_iter();
    let first = chunks.next()?;
    let (mut work, mut sent) = (first.work, first.sent);
    for chunk in chunks {
        let offset = work.deliveries.len();
        sent.extend(chunk.sent.into_iter().map(|(index, answer)| (index + offset, answer)));
        work.deliveries.extend(chunk.work.deliveries);
    }
    work.state = state;
    let (work, answers) = send::arrange(work, sent);
    let events = work
        .deliveries
        .iter()
        .zip(&answers)
        .filter(|(_, answer)| answer.succeeded())
        .map(|(delivery, _)| delivery.items.len())
        .sum();
    Some(Merged { work, answers, events })
}

#[cfg(test)]
#[path = "window_chunks_tests.rs"]
mod tests;
