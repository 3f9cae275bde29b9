/**
 * Gossipsub peer scoring. What moves a score here:
 * - P4, invalid messages: every REJECT verdict on a topic adds 1 to the sender's counter and the
 *   score falls by 10 x counter^2 (decaying by 3 % a second), so one bad message costs -10, two
 *   -40, three -90: past the graylist threshold (-80) gossipsub drops everything the peer sends,
 *   and the peer manager disconnects and bans it (peer-manager.ts).
 * - P5, application score: penalties we give outside gossip (a bad sync response, a different
 *   genesis, an oversized frame, a tx flood), see PeerManager.penalize.
 * - A small reward for first deliveries and time in the mesh, capped at +10 (topicScoreCap), so an
 *   honest peer that once relayed one bad message is not cut off, while a spammer still is.
 * Mesh-delivery penalties (P3/P3b) are off: a proof-of-authority chain has one block per slot and
 * quiet tx topics, and those penalties would punish honest peers for silence. IP colocation (P6) is
 * off because testnets and small deployments run every node on one host.
 */
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@chainsafe/libp2p-gossipsub/score';

export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -20,
  publishThreshold: -40,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 5,
};

/** Below this a peer is disconnected and banned for a while (the graylist threshold). */
export const DISCONNECT_SCORE = SCORE_THRESHOLDS.graylistThreshold;

/** P4: each invalid message adds 1 to a counter that decays by this factor every second... */
export const INVALID_MESSAGE_DECAY = 0.97;
/** ...and the score falls by this weight times the counter squared. */
export const INVALID_MESSAGE_WEIGHT = -10;

const TOPIC_PARAMS: TopicScoreParams = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 20,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 1,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5_000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: INVALID_MESSAGE_WEIGHT,
  invalidMessageDeliveriesDecay: INVALID_MESSAGE_DECAY,
};

export function scoreParams(topics: readonly string[], appScore: (peerId: string) => number): Partial<PeerScoreParams> {
  return {
    topics: Object.fromEntries(topics.map((t) => [t, TOPIC_PARAMS])),
    topicScoreCap: 10,
    appSpecificScore: appScore,
    appSpecificWeight: 1,
    IPColocationFactorWeight: 0,
    behaviourPenaltyWeight: -10,
    behaviourPenaltyDecay: 0.9,
    decayInterval: 1_000,
    decayToZero: 0.01,
    // A banned peer that comes back still carries its bad score for this long.
    retainScore: 10 * 60 * 1_000,
  };
}
