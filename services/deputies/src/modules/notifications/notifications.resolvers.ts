import type { Resolvers } from '../../generated/resolvers.ts';
import {
  deputyNotifications,
  markAllRead,
  markRead,
  preferences,
  setPreference,
  viewerNotifications,
} from './notifications.service.ts';
import {
  attemptsOf,
  deleteWebhook,
  findWebhook,
  listDeliveries,
  listWebhooks,
  registerWebhook,
  requeueDelivery,
  rotateSecret,
  setEnabled,
} from './webhooks.service.ts';

export const notificationResolvers: Resolvers = {
  Query: {
    notifications: (_, { first, after, unreadOnly }, ctx) => viewerNotifications(ctx, first, after, unreadOnly),
    notificationPreferences: (_, __, ctx) => preferences(ctx),
    webhooks: (_, { regionCode, first, after }, ctx) => listWebhooks(ctx, regionCode, first, after),
    webhook: (_, { id }, ctx) => findWebhook(ctx, id),
    webhookDeliveries: (_, { webhookId, first, after, status }, ctx) =>
      listDeliveries(ctx, webhookId, first, after, status),
  },
  Mutation: {
    registerWebhook: (_, { input }, ctx) => registerWebhook(ctx, input),
    rotateWebhookSecret: (_, { id }, ctx) => rotateSecret(ctx, id),
    disableWebhook: (_, { id }, ctx) => setEnabled(ctx, id, false),
    enableWebhook: (_, { id }, ctx) => setEnabled(ctx, id, true),
    deleteWebhook: (_, { id }, ctx) => deleteWebhook(ctx, id),
    requeueWebhookDelivery: (_, { id }, ctx) => requeueDelivery(ctx, id),
    markNotificationsRead: (_, { ids }, ctx) => markRead(ctx, ids),
    markAllNotificationsRead: (_, __, ctx) => markAllRead(ctx),
    setNotificationPreference: (_, { eventType, inApp }, ctx) => setPreference(ctx, eventType, inApp),
  },
  Deputy: {
    notifications: (deputy, { first, after, unreadOnly }, ctx) =>
      deputyNotifications(ctx, deputy.id, first, after, unreadOnly),
  },
  WebhookDelivery: {
    attemptCount: (delivery) => delivery.attempts,
    attempts: (delivery, _, ctx) => attemptsOf(ctx, delivery.id),
  },
};
