// Kept for the mobile pages' imports: the session is shared with the console.
export * from '@/shared/session'
